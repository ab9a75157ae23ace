import { describe, expect, it } from 'vitest';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { ortWasmDir } from './node-gpu.ts';
import { loadOrt } from './ort.ts';
import { runSelfCheck, SELFCHECK_TOLERANCE } from './selfcheck.ts';
import { Affine } from './kernels/affine.ts';
import { readF32, storageBuffer, uploadBuffer } from './buffers.ts';

describe('GPU self-check (Node, Dawn)', () => {
  it('affine kernel equals its CPU reference', async () => {
    await withGpuDevice(async (device) => {
      const n = 1000; // not a multiple of the workgroup size
      const x = Float32Array.from({ length: n }, (_, i) => i * 0.01 - 3);
      const xb = uploadBuffer(device, 'x', x);
      const yb = storageBuffer(device, 'y', n * 4);
      const enc = device.createCommandEncoder();
      const params = new Affine(device, 2.5, -1).encode(enc, xb, yb, n);
      device.queue.submit([enc.finish()]);
      const y = await readF32(device, yb, n);
      params.destroy();
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] - (x[i] * 2.5 - 1))).toBeLessThanOrEqual(1e-6 + Math.abs(x[i] * 2.5) * 1e-6);
    });
  });

  it('ORT and our kernel exchange GPU buffers on one device', async () => {
    const ort = await loadOrt(ortWasmDir());
    const r = await withGpuDevice((device) => runSelfCheck(ort, device));
    expect(r.kernelToOrtError).toBeLessThanOrEqual(SELFCHECK_TOLERANCE);
    expect(r.ortToKernelError).toBeLessThanOrEqual(SELFCHECK_TOLERANCE);
    expect(r.ok).toBe(true);
  });
});
