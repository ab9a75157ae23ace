// A timed site (three compute passes with timestamps: pool, projections, attention) computes the
// same o as the one-pass encode and as siteReference, and its timestamps are ordered per pass.
import { describe, expect, it } from 'vitest';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { assertClose, seededValues } from './kernels/check.ts';
import { siteReference } from './kernels/reference.ts';
import { PLAIN_WINDOW, TOLERANCES, window2d } from './kernels/verify.ts';
import { readF32, uploadBuffer } from './buffers.ts';
import { SelfAttentionSite, SITE_TIMESTAMPS } from './site.ts';

const [B, h, w, C, heads] = [1, 8, 8, 32, 2];

async function timestamps(device: GPUDevice, querySet: GPUQuerySet, enc: GPUCommandEncoder): Promise<BigUint64Array> {
  const bytes = SITE_TIMESTAMPS * 8;
  const resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  enc.resolveQuerySet(querySet, 0, SITE_TIMESTAMPS, resolved, 0);
  enc.copyBufferToBuffer(resolved, 0, read, 0, bytes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  return new BigUint64Array(read.getMappedRange().slice(0));
}

describe('SelfAttentionSite with timestamps', () => {
  it('f32 8×8, C 32: plain and 2D 2×2 avg give the one-pass o exactly (and siteReference); each timed pass ends after it begins', async () => {
    await withGpuDevice(async (device) => {
      expect(device.features.has('timestamp-query'), 'the test device should have timestamp-query (Dawn on SwiftShader does)').toBe(true);
      const n = seededValues(B * h * w * C, 5, 2);
      const [wq, wk, wv] = [11, 12, 13].map((s) => seededValues(C * C, s, 1 / Math.sqrt(C)));
      const site = new SelfAttentionSite(device, { dtype: 'f32', C, heads, weights: { wq, wk, wv }, label: 'timed.attn1' });
      const nBuf = uploadBuffer(device, 'n', n);
      const querySet = device.createQuerySet({ type: 'timestamp', count: SITE_TIMESTAMPS });
      try {
        for (const window of [PLAIN_WINDOW, window2d(h, w, 2, 2, 'avg', 0.5, 0.5)]) {
          let enc = device.createCommandEncoder();
          const oOnePass = site.encode(enc, { n: nBuf, B, h, w, window });
          device.queue.submit([enc.finish()]);
          const onePass = await readF32(device, oOnePass, B * h * w * C);
          enc = device.createCommandEncoder();
          const oTimed = site.encode(enc, { n: nBuf, B, h, w, window, timestamps: querySet });
          const t = await timestamps(device, querySet, enc);
          const timed = await readF32(device, oTimed, B * h * w * C);
          expect(Array.from(timed)).toEqual(Array.from(onePass));
          const ref = siteReference(n, B, h, w, C, heads, wq, wk, wv, window);
          expect(assertClose(`timed site ${window.active ? '2D 2×2' : 'plain'}`, timed, ref, TOLERANCES.f32).ok).toBe(true);
          const ranParts = window.active ? [0, 1, 2] : [1, 2]; // pool, project, attention
          for (const i of ranParts) expect(t[2 * i + 1] >= t[2 * i], `part ${i}: end ${t[2 * i + 1]} ≥ begin ${t[2 * i]}`).toBe(true);
          expect(t[5] > 0n).toBe(true);
        }
      } finally {
        site.destroy();
        querySet.destroy();
      }
    });
  });
});
