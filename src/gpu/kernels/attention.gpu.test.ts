import { describe, expect, it } from 'vitest';
import { withKernelGpuDevice } from '../testing/with-gpu-device.ts';
import { assertClose } from './check.ts';
import { KernelConfigError, storageVariant } from './dtype.ts';
import { FlashAttention } from './attention.ts';
import type { AttentionDims } from './reference.ts';
import { TOLERANCES, verifyAttention, type AttentionKernelOptions } from './verify.ts';

// packed fp16 attention alone: inputs are f16 values for the reference too; the f16 output adds
// ≤ ½ ulp (2^-12 relative): 1e-5 + |ref|·1e-3 (tighter than the whole site's TOLERANCES.f16)
const F16_TOL = { tol: 1e-5, eps: 1e-3 };

// v2; v3 on its default path (subgroups: SwiftShader offers them) and forced onto the workgroup
// reduction (the path of devices without subgroups)
const KERNELS: [string, AttentionKernelOptions][] = [
  ['v2', { version: 'v2' }],
  ['v3', { version: 'v3' }],
  ['v3 workgroup reduction', { version: 'v3', reduction: 'workgroup' }],
];

// N not a multiple of the query tile, M not a multiple of the key tile, N ≠ M (SA-pooled K/V)
const CASES: AttentionDims[] = [
  { B: 2, N: 273, M: 70, heads: 2, headDim: 40 }, // 13×21 grid; M spans 3 key tiles, last one ragged
  { B: 2, N: 200, M: 50, heads: 2, headDim: 64 }, // 5×40 grid, 1D len 4 → 50 keys; split 2
  { B: 1, N: 100, M: 100, heads: 2, headDim: 80 }, // plain attention (N = M); split 2
  { B: 2, N: 65, M: 33, heads: 1, headDim: 160 }, // split 4, one query past a 16-query tile
];

for (const [name, kernel] of KERNELS) {
  describe(`FlashAttention ${name} (fp32) vs CPU reference, tol 1e-5 + |ref|·1e-4`, () => {
    for (const dims of CASES) {
      it(`head_dim ${dims.headDim}: B=${dims.B} N=${dims.N} M=${dims.M} heads=${dims.heads}`, async () => {
        const r = await withKernelGpuDevice((device) => verifyAttention(device, dims, 'f32', 'packed', kernel));
        const { split, queries, keys } = r.tiling;
        expect(assertClose(`${r.label} (split ${split}, ${queries}q×${keys}k)`, r.got, r.ref, TOLERANCES.f32).ok).toBe(true);
      });
    }

    it('packed fp16 (u32 + unpack2x16float), head_dim 80: B=2 N=200 M=40 heads=1', async () => {
      const r = await withKernelGpuDevice((device) => verifyAttention(device, { B: 2, N: 200, M: 40, heads: 1, headDim: 80 }, 'f16', 'packed', kernel));
      expect(assertClose(r.label, r.got, r.ref, F16_TOL).ok).toBe(true);
    });
  });
}

describe('FlashAttention v3: shapes at the edges of its tiles', () => {
  // one key (a tile of 31 masked keys), 3 keys, a last tile of 1 key (M = 33), fewer queries than
  // one workgroup owns; the small head dims the site's general path pads to (4, 12: one thread per query)
  const edges: AttentionDims[] = [
    { B: 1, N: 5, M: 1, heads: 2, headDim: 40 },
    { B: 2, N: 37, M: 3, heads: 1, headDim: 64 },
    { B: 1, N: 70, M: 33, heads: 3, headDim: 4 },
    { B: 1, N: 41, M: 97, heads: 2, headDim: 12 },
  ];
  for (const reduction of ['subgroup', 'workgroup'] as const) {
    for (const dims of edges) {
      it(`${reduction}: head_dim ${dims.headDim} B=${dims.B} N=${dims.N} M=${dims.M} heads=${dims.heads}`, async () => {
        const r = await withKernelGpuDevice(async (device) => {
          if (reduction === 'subgroup') expect(device.features.has('subgroups'), 'SwiftShader and lavapipe offer subgroups').toBe(true);
          return verifyAttention(device, dims, 'f32', 'packed', { version: 'v3', reduction });
        });
        expect(r.v3?.reduction).toBe(reduction);
        expect(assertClose(r.label, r.got, r.ref, TOLERANCES.f32).ok).toBe(true);
      });
    }
  }

  it('4 queries per thread and a 64-thread workgroup (the bench’s other tiles) pass too', async () => {
    const dims = { B: 2, N: 150, M: 45, heads: 2, headDim: 64 };
    const r = await withKernelGpuDevice((device) => verifyAttention(device, dims, 'f32', 'packed', { version: 'v3', rows: 4, workgroupSize: 64 }));
    expect(r.v3).toMatchObject({ rows: 4, workgroupSize: 64 });
    expect(assertClose(r.label, r.got, r.ref, TOLERANCES.f32).ok).toBe(true);
  });
});

describe('FlashAttention v3: which reduction is compiled', () => {
  it("the device has the adapter's subgroups, and v3 then compiles the subgroupShuffleXor path for d = 40, 64, 80, 160", async () => {
    await withKernelGpuDevice(async (device, ctx) => {
      expect(device.features.has('subgroups')).toBe(ctx.adapter.features.has('subgroups'));
      expect(ctx.report.subgroups).toBe(true); // SwiftShader and lavapipe both offer them; a driver without would test only one path
      for (const headDim of [40, 64, 80, 160]) {
        const a = new FlashAttention(device, { dtype: 'f32', headDim, version: 'v3' });
        expect(a.v3?.reduction, `d=${headDim}`).toBe('subgroup');
        expect(a.v3!.split).toBeLessThanOrEqual(4);
        a.destroy();
      }
    });
  });

  it("'subgroup' is refused where a query needs more threads than the smallest subgroup; v2 stays the default", async () => {
    await withKernelGpuDevice(async (device) => {
      // head_dim 320: at least 8 threads per query (≤ 40 dims each), more than a 4-lane subgroup
      const sg = device.adapterInfo?.subgroupMinSize ?? 4;
      if (sg < 8) {
        expect(() => new FlashAttention(device, { dtype: 'f32', headDim: 320, version: 'v3', reduction: 'subgroup' })).toThrow(KernelConfigError);
        expect(new FlashAttention(device, { dtype: 'f32', headDim: 320, version: 'v3' }).v3?.reduction).toBe('workgroup');
      }
      expect(new FlashAttention(device, { dtype: 'f32', headDim: 40 }).version).toBe('v2');
    });
  });
});

describe('f16 path selection', () => {
  it("uses 'native' (enable f16) only where the device has shader-f16, else packed u32", async () => {
    await withKernelGpuDevice(async (device) => {
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
