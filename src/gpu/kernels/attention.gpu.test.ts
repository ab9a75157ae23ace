import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../testing/with-gpu-device.ts';
import { assertClose } from './check.ts';
import { KernelConfigError, storageVariant } from './dtype.ts';
import type { AttentionDims } from './reference.ts';
import { TOLERANCES, verifyAttention } from './verify.ts';

// packed fp16 attention alone: inputs are f16 values for the reference too; the f16 output adds
// ≤ ½ ulp (2^-12 relative): 1e-5 + |ref|·1e-3 (tighter than the whole site's TOLERANCES.f16)
const F16_TOL = { tol: 1e-5, eps: 1e-3 };

describe('FlashAttention (fp32) vs CPU reference, tol 1e-5 + |ref|·1e-4', () => {
  // N not a multiple of the query tile, M not a multiple of the key tile, N ≠ M (SA-pooled K/V)
  const cases: AttentionDims[] = [
    { B: 2, N: 273, M: 70, heads: 2, headDim: 40 }, // 13×21 grid; M spans 3 key tiles, last one ragged
    { B: 2, N: 200, M: 50, heads: 2, headDim: 64 }, // 5×40 grid, 1D len 4 → 50 keys; split 2
    { B: 1, N: 100, M: 100, heads: 2, headDim: 80 }, // plain attention (N = M); split 2
    { B: 2, N: 65, M: 33, heads: 1, headDim: 160 }, // split 4, one query past a 16-query tile
  ];
  for (const dims of cases) {
    it(`head_dim ${dims.headDim}: B=${dims.B} N=${dims.N} M=${dims.M} heads=${dims.heads}`, async () => {
      const r = await withGpuDevice((device) => verifyAttention(device, dims, 'f32'));
      const { split, queries, keys } = r.tiling;
      expect(assertClose(`${r.label} (split ${split}, ${queries}q×${keys}k)`, r.got, r.ref, TOLERANCES.f32).ok).toBe(true);
    });
  }

  it('packed fp16 (u32 + unpack2x16float), head_dim 80: B=2 N=200 M=40 heads=1', async () => {
    const r = await withGpuDevice((device) => verifyAttention(device, { B: 2, N: 200, M: 40, heads: 1, headDim: 80 }, 'f16', 'packed'));
    expect(assertClose(r.label, r.got, r.ref, F16_TOL).ok).toBe(true);
  });
});

describe('f16 path selection', () => {
  it("uses 'native' (enable f16) only where the device has shader-f16, else packed u32", async () => {
    await withGpuDevice(async (device) => {
      if (device.features.has('shader-f16')) {
        expect(storageVariant(device, { dtype: 'f16' })).toBe('f16-native');
        // the native variant then runs the same check as the packed one
        const r = await verifyAttention(device, { B: 1, N: 70, M: 30, heads: 1, headDim: 40 }, 'f16', 'native');
        expect(assertClose(r.label, r.got, r.ref, F16_TOL).ok).toBe(true);
      } else {
        expect(storageVariant(device, { dtype: 'f16' })).toBe('f16-packed');
        expect(() => storageVariant(device, { dtype: 'f16', f16Path: 'native' })).toThrow(KernelConfigError);
      }
      expect(storageVariant(device, { dtype: 'f16', f16Path: 'packed' })).toBe('f16-packed');
      expect(storageVariant(device, { dtype: 'f32' })).toBe('f32');
    });
  });
});
