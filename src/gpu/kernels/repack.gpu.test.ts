import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { readBuffer, uploadBuffer } from '../buffers.ts';
import { Repack, type RepackShape } from './repack.ts';
import { assertClose, seededValues } from './check.ts';
import { fromHalf, roundToHalf, toHalf } from './half.ts';
import { repackReference } from './reference.ts';
import type { TensorDType } from './dtype.ts';

// A bit copy: the result must equal the reference exactly (tolerance 0), f32 and f16 alike.
const EXACT = { tol: 0, eps: 0 };

async function run(device: GPUDevice, dtype: TensorDType, s: RepackShape): Promise<{ got: Float32Array; ref: Float32Array }> {
  const x = seededValues(s.rows * s.groups * s.din, 7 + s.din, 3);
  const xv = dtype === 'f16' ? roundToHalf(x) : x;
  const out = s.rows * s.groups * s.dout;
  const bytes = dtype === 'f16' ? 2 : 4;
  const xb = uploadBuffer(device, 'x', dtype === 'f16' ? toHalf(xv) : xv);
  // y starts as garbage (0xff bytes): every value, padding included, must be written
  const yb = uploadBuffer(device, 'y', new Uint8Array(Math.ceil((out * bytes) / 4) * 4).fill(0xff));
  const repack = new Repack(device, dtype);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  repack.encode(pass, xb, yb, s);
  pass.end();
  device.queue.submit([enc.finish()]);
  const raw = await readBuffer(device, yb, out * bytes);
  repack.destroy();
  const got = dtype === 'f16' ? fromHalf(new Uint16Array(raw)) : new Float32Array(raw);
  return { got, ref: repackReference(xv, s.rows, s.groups, s.din, s.dout, s.len) };
}

describe('Repack (the general-path widen/narrow) vs its reference, exact', () => {
  const shapes: RepackShape[] = [
    { rows: 7, groups: 1, din: 6, dout: 8, len: 6 }, // widen C = 6 → 8
    { rows: 5, groups: 3, din: 4, dout: 2, len: 2 }, // narrow heads of dp 4 → d 2
    { rows: 3, groups: 5, din: 4, dout: 1, len: 1 }, // d = 1, odd row width: 16-bit words straddle rows
    { rows: 9, groups: 1, din: 3, dout: 4, len: 3 }, // odd total input values
  ];
  for (const dtype of ['f32', 'f16'] as const) {
    for (const s of shapes) {
      it(`${dtype}: ${s.rows} rows × ${s.groups}·${s.din} → ${s.groups}·${s.dout} (len ${s.len})`, async () => {
        const { got, ref } = await withGpuDevice((device) => run(device, dtype, s));
        expect(assertClose(`repack ${dtype}`, got, ref, EXACT).ok).toBe(true);
      });
    }
  }
});
