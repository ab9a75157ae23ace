import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { readBuffer, storageBuffer, uploadBuffer } from '../buffers.ts';
import { FlashAttention } from './attention.ts';
import { attentionReference, type AttentionDims } from './reference.ts';
import { assertClose, seededValues } from './check.ts';
import { KernelConfigError, storageVariant, type F16Path, type TensorDType } from './dtype.ts';
import { fromHalf, roundToHalf, toHalf } from './half.ts';

// fp32: |got − ref| ≤ 1e-5 + |ref|·1e-4 (exp2 and f32 sums over ≤ 273 keys, reference in f64)
const F32_TOL = { tol: 1e-5, eps: 1e-4 };
// packed fp16: inputs rounded to f16 for the reference too; the f16 output adds ≤ ½ ulp
// (2^-12 relative): 1e-5 + |ref|·1e-3
const F16_TOL = { tol: 1e-5, eps: 1e-3 };

async function runAttention(device: GPUDevice, dims: AttentionDims, dtype: TensorDType = 'f32', f16Path: F16Path = 'packed') {
  const { B, N, M, heads, headDim } = dims;
  const C = heads * headDim;
  const round = dtype === 'f16' ? roundToHalf : (t: Float32Array) => t;
  const q = round(seededValues(B * N * C, 11 + N, 1.5));
  const k = round(seededValues(B * M * C, 12 + M, 1.5));
  const v = round(seededValues(B * M * C, 13 + M, 1));
  const up = (name: string, t: Float32Array) => uploadBuffer(device, name, dtype === 'f16' ? toHalf(t) : t);
  const attn = new FlashAttention(device, { dtype, f16Path, headDim });
  const bpv = dtype === 'f16' ? 2 : 4;
  const o = storageBuffer(device, 'o', B * N * C * bpv);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  attn.encode(pass, {
    q: { buffer: up('q', q), ld: C },
    k: { buffer: up('k', k), ld: C },
    v: { buffer: up('v', v), ld: C },
    o: { buffer: o, ld: C },
    B,
    N,
    M,
    heads,
  });
  pass.end();
  device.queue.submit([enc.finish()]);
  const bytes = await readBuffer(device, o, B * N * C * bpv);
  const got = dtype === 'f16' ? fromHalf(new Uint16Array(bytes)) : new Float32Array(bytes);
  attn.destroy();
  return { got, ref: attentionReference(q, k, v, dims), tiling: attn.tiling };
}

describe('FlashAttention (fp32) vs CPU reference', () => {
  // N not a multiple of the query tile, M not a multiple of the key tile, N ≠ M (SA-pooled K/V)
  const cases: AttentionDims[] = [
    { B: 2, N: 273, M: 70, heads: 2, headDim: 40 }, // 13×21 grid; M spans 3 key tiles, last one ragged
    { B: 2, N: 200, M: 50, heads: 2, headDim: 64 }, // 5×40 grid, 1D len 4 → 50 keys; split 2
    { B: 1, N: 100, M: 100, heads: 2, headDim: 80 }, // plain attention (N = M); split 2
    { B: 2, N: 65, M: 33, heads: 1, headDim: 160 }, // split 4, one query past a 16-query tile
  ];
  for (const dims of cases) {
    it(`head_dim ${dims.headDim}: B=${dims.B} N=${dims.N} M=${dims.M} heads=${dims.heads}`, async () => {
      const { got, ref, tiling } = await withGpuDevice((device) => runAttention(device, dims));
      expect(assertClose(`attention d=${dims.headDim} (split ${tiling.split}, ${tiling.queries}q×${tiling.keys}k)`, got, ref, F32_TOL).ok).toBe(true);
    });
  }

  it('packed fp16 (u32 + unpack2x16float), head_dim 80: B=2 N=200 M=40 heads=1', async () => {
    const dims = { B: 2, N: 200, M: 40, heads: 1, headDim: 80 };
    const { got, ref } = await withGpuDevice((device) => runAttention(device, dims, 'f16'));
    expect(assertClose('attention f16-packed d=80', got, ref, F16_TOL).ok).toBe(true);
  });
});

describe('f16 path selection', () => {
  it("uses 'native' (enable f16) only where the device has shader-f16, else packed u32", async () => {
    await withGpuDevice(async (device) => {
      if (device.features.has('shader-f16')) {
        expect(storageVariant(device, { dtype: 'f16' })).toBe('f16-native');
        // the native variant then runs the same check as the packed one
        const dims = { B: 1, N: 70, M: 30, heads: 1, headDim: 40 };
        const { got, ref } = await runAttention(device, dims, 'f16', 'native');
        expect(assertClose('attention f16-native d=40', got, ref, F16_TOL).ok).toBe(true);
      } else {
        expect(storageVariant(device, { dtype: 'f16' })).toBe('f16-packed');
        expect(() => storageVariant(device, { dtype: 'f16', f16Path: 'native' })).toThrow(KernelConfigError);
      }
      expect(storageVariant(device, { dtype: 'f16', f16Path: 'packed' })).toBe('f16-packed');
      expect(storageVariant(device, { dtype: 'f32' })).toBe('f32');
    });
  });
});
