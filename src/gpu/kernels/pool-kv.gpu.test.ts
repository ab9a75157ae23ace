import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { readF32, storageBuffer, uploadBuffer } from '../buffers.ts';
import { poolTokens, type SaActiveWindow } from '../../sa/index.ts';
import { PoolKv, sharesKv } from './pool-kv.ts';
import { assertClose, seededValues } from './check.ts';

// fp32: sums of ≤ 9 values of |x| ≤ 2 in f32 (reference in f64): 1e-6 + |ref|·1e-6
const F32_TOL = { tol: 1e-6, eps: 1e-6 };
const BLENDS: [number, number][] = [
  [0, 0], // strided sample only
  [1, 1], // full pooling, K and V shared
  [0.5, 0.25],
  [0, 1],
];
const WINDOWS_2D: [number, number][] = [
  [2, 1],
  [2, 2],
  [3, 2],
  [3, 3],
];
const LENS_1D = [2, 4, 9];

function windows(h: number, w: number): SaActiveWindow[] {
  const out: SaActiveWindow[] = [];
  for (const mode of ['avg', 'max'] as const) {
    for (const [kBlend, vBlend] of BLENDS) {
      for (const [sty, stx] of WINDOWS_2D) {
        const [ho, wo] = [Math.floor(h / sty), Math.floor(w / stx)];
        out.push({ active: true, kind: '2d', mode, sty, stx, ho, wo, m: ho * wo, kBlend, vBlend, s: sty * stx });
      }
      for (const len of LENS_1D) out.push({ active: true, kind: '1d', mode, len, m: Math.floor((h * w) / len), kBlend, vBlend, s: len });
    }
  }
  return out;
}

function describeWindow(win: SaActiveWindow): string {
  const shape = win.kind === '2d' ? `2D ${win.sty}×${win.stx}` : `1D len ${win.len}`;
  return `${shape} ${win.mode} k_blend ${win.kBlend} v_blend ${win.vBlend}`;
}

describe('PoolKv (fp32) vs poolTokens (src/sa/pool-reference.ts)', () => {
  // non-divisible and non-square grids: ragged rows / columns / tokens are dropped
  const grids: [number, number][] = [
    [13, 21],
    [5, 40],
  ];
  for (const [h, w] of grids) {
    it(`grid ${h}×${w}: modes × blends × 2D windows 2×1…3×3 × 1D lens`, async () => {
      await withGpuDevice(async (device) => {
        const [B, C] = [2, 12];
        const n = seededValues(B * h * w * C, h * 100 + w, 2);
        const nBuf = uploadBuffer(device, 'n', n);
        const pool = new PoolKv(device, { dtype: 'f32' });
        let checked = 0;
        for (const win of windows(h, w)) {
          const ref = poolTokens(n, B, h, w, C, win);
          const k = storageBuffer(device, 'k', B * win.m * C * 4);
          const v = storageBuffer(device, 'v', B * win.m * C * 4);
          const enc = device.createCommandEncoder();
          const pass = enc.beginComputePass();
          const M = pool.encode(pass, { n: nBuf, k, v }, { B, h, w, C }, win);
          pass.end();
          device.queue.submit([enc.finish()]);
          expect(M).toBe(ref.m);
          const label = `${h}×${w} ${describeWindow(win)}`;
          assertClose(`${label} K`, await readF32(device, k, B * M * C), ref.k, F32_TOL);
          assertClose(`${label} V`, await readF32(device, sharesKv(win) ? k : v, B * M * C), ref.v, F32_TOL);
          k.destroy();
          v.destroy();
          checked++;
        }
        expect(checked).toBe(56);
        pool.destroy();
      });
    });
  }
});
