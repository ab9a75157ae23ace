import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { readF32, storageBuffer, uploadBuffer } from '../buffers.ts';
import { MatMul, type MatMulVersion } from './matmul.ts';
import { matmulReference } from './reference.ts';
import { assertClose, seededValues } from './check.ts';

// fp32 GEMM: |got − ref| ≤ 1e-5 + |ref|·1e-4 (f32 accumulation over k ≤ 320 terms of |x·w| ≤ 1)
const F32_TOL = { tol: 1e-5, eps: 1e-4 };

async function runMatMul(device: GPUDevice, version: MatMulVersion, rows: number, k: number, ncols: number, withBias: boolean) {
  const x = seededValues(rows * k, 1 + rows, 1);
  const w = seededValues(k * ncols, 2 + ncols, 0.5);
  const bias = withBias ? seededValues(ncols, 3, 1) : undefined;
  const mm = new MatMul(device, { dtype: 'f32', version, bias: withBias });
  const y = storageBuffer(device, 'y', rows * ncols * 4);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  mm.encode(pass, { x: uploadBuffer(device, 'x', x), w: uploadBuffer(device, 'w', w), bias: bias && uploadBuffer(device, 'b', bias), y }, { rows, k, ncols });
  pass.end();
  device.queue.submit([enc.finish()]);
  const got = await readF32(device, y, rows * ncols);
  mm.destroy();
  return { got, ref: matmulReference(x, w, rows, k, ncols, bias) };
}

describe('MatMul (fp32) vs CPU reference', () => {
  const cases: [MatMulVersion, number, number, number, boolean][] = [
    ['tiled', 273, 64, 96, false], // rows not a multiple of the 64-row tile, ncols not of 64
    ['tiled', 130, 320, 40, true], // k = 320 (SD1.5 level 0), narrow output, bias
    ['naive', 45, 40, 68, true],
  ];
  for (const [version, rows, k, ncols, bias] of cases) {
    it(`${version} ${rows}×${k} · ${k}×${ncols}${bias ? ' + bias' : ''}`, async () => {
      const { got, ref } = await withGpuDevice((device) => runMatMul(device, version, rows, k, ncols, bias));
      expect(assertClose(`matmul ${version}`, got, ref, F32_TOL).ok).toBe(true);
    });
  }

  it('writes a column range of W into a column range of a wider Y (fused QKV layout)', async () => {
    await withGpuDevice(async (device) => {
      const [rows, k, C] = [70, 32, 24];
      const x = seededValues(rows * k, 5, 1);
      const w = seededValues(k * 3 * C, 6, 0.5); // [k, 3C]
      const mm = new MatMul(device, { dtype: 'f32' });
      const y = storageBuffer(device, 'y', rows * 2 * C * 4);
      const [xb, wb] = [uploadBuffer(device, 'x', x), uploadBuffer(device, 'w', w)];
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      // y[:, 0:C] = x · W[:, 2C:3C];  y[:, C:2C] = x · W[:, 0:C]
      mm.encode(pass, { x: xb, w: wb, y }, { rows, k, ncols: C, ldw: 3 * C, colW: 2 * C, ldy: 2 * C, colY: 0 });
      mm.encode(pass, { x: xb, w: wb, y }, { rows, k, ncols: C, ldw: 3 * C, colW: 0, ldy: 2 * C, colY: C });
      pass.end();
      device.queue.submit([enc.finish()]);
      const got = await readF32(device, y, rows * 2 * C);
      const full = matmulReference(x, w, rows, k, 3 * C);
      const ref = new Float32Array(rows * 2 * C);
      for (let r = 0; r < rows; r++) {
        ref.set(full.subarray(r * 3 * C + 2 * C, r * 3 * C + 3 * C), r * 2 * C);
        ref.set(full.subarray(r * 3 * C, r * 3 * C + C), r * 2 * C + C);
      }
      expect(assertClose('matmul column ranges', got, ref, F32_TOL).ok).toBe(true);
      mm.destroy();
    });
  });
});
