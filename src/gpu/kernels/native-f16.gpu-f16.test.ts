// The native-f16 (`enable f16`) variant of every kernel on an adapter that has shader-f16 (Dawn on
// Mesa 25 lavapipe, scripts/vulkan-f16.sh): each against its CPU reference within the f16
// tolerances the SwiftShader suite states for the packed variant, and against the packed variant
// on the same device; attention v2 and v3 (v3 on both reductions: lavapipe has subgroups and
// shader-f16, so the subgroup path runs with native f16 here). Both variants compute in f32 and
// only load/store f16 differently, so they are expected to agree exactly; the test allows one f16
// rounding step (NATIVE_VS_PACKED) and reports the largest difference it saw.
import { describe, expect, it } from 'vitest';
import { withKernelGpuDevice } from '../testing/with-gpu-device.ts';
import { assertClose, checkClose } from './check.ts';
import { storageVariant, type F16Path } from './dtype.ts';
import type { AttentionDims } from './reference.ts';
import { PLAIN_WINDOW, TOLERANCES, verifyAttention, verifyMatMul, verifyPool, verifySite, window2d, type AttentionKernelOptions, type Verified } from './verify.ts';
import { ATTENTION_VERSIONS, FlashAttention } from './attention.ts';
import type { SaActiveWindow } from '../../sa/index.ts';

// attention alone: f16 inputs for the reference too, f16 output adds ≤ ½ ulp (attention.gpu.test.ts)
const ATTENTION_TOL = { tol: 1e-5, eps: 1e-3 };
// native vs packed: the same f32 arithmetic; at most one f16 rounding step (2^-10 relative) apart
const NATIVE_VS_PACKED = { tol: 1e-6, eps: 2 ** -10 };
// v2, and v3 on its default path here (subgroups, 8 lanes); v3's workgroup reduction once below
// (SwiftShader runs it at every head_dim). llvmpipe compiles each unrolled v3 pipeline in 15-40 s,
// so this file keeps the number of distinct v3 pipelines small.
const ATTENTION_KERNELS: [string, AttentionKernelOptions][] = [
  ['v2', { version: 'v2' }],
  ['v3', { version: 'v3' }],
];

/** Runs `run` on both paths; checks native against the reference and against packed. */
async function bothPaths(run: (path: F16Path) => Promise<Verified[]>, tol: { tol: number; eps: number }): Promise<number> {
  const native = await run('native');
  const packed = await run('packed');
  let worst = 0;
  native.forEach((n, i) => {
    expect(n.label).toMatch(/f16-native/);
    expect(packed[i].label).toMatch(/f16-packed/);
    expect(assertClose(n.label, n.got, n.ref, tol).ok).toBe(true);
    const vs = checkClose(n.got, packed[i].got, NATIVE_VS_PACKED);
    expect(vs.ok, `${n.label} vs packed: ${vs.first.join('; ')}`).toBe(true);
    worst = Math.max(worst, vs.maxAbsError);
  });
  return worst;
}

describe('native f16 on a shader-f16 adapter', () => {
  it("the device has shader-f16 and f16 kernels default to 'native'", async () => {
    await withKernelGpuDevice(async (device) => {
      expect(device.features.has('shader-f16')).toBe(true);
      expect(storageVariant(device, { dtype: 'f16' })).toBe('f16-native');
    });
  });

  const attention: AttentionDims[] = [
    { B: 2, N: 273, M: 70, heads: 2, headDim: 40 }, // SD1.x head_dim, ragged query and key tiles
    { B: 2, N: 200, M: 50, heads: 2, headDim: 64 }, // SD2.x / SDXL head_dim (split 2)
    { B: 1, N: 100, M: 100, heads: 2, headDim: 80 },
    { B: 2, N: 65, M: 33, heads: 1, headDim: 160 }, // split 4
  ];
  for (const [name, kernel] of ATTENTION_KERNELS) {
    for (const dims of attention) {
      it(`FlashAttention ${name} d=${dims.headDim} B=${dims.B} N=${dims.N} M=${dims.M}: native = reference = packed`, async () => {
        const worst = await withKernelGpuDevice((device) => bothPaths(async (p) => [await verifyAttention(device, dims, 'f16', p, kernel)], ATTENTION_TOL));
        expect(worst).toBeLessThanOrEqual(NATIVE_VS_PACKED.eps);
      });
    }
  }

  it('FlashAttention v3 workgroup reduction d=64 B=2 N=200 M=50: native = reference = packed', async () => {
    const dims = { B: 2, N: 200, M: 50, heads: 2, headDim: 64 };
    await withKernelGpuDevice((device) => bothPaths(async (p) => [await verifyAttention(device, dims, 'f16', p, { version: 'v3', reduction: 'workgroup' })], ATTENTION_TOL));
  });

  it('FlashAttention v3 f32 on 8-lane subgroups at the edges of its tiles: M = 1, 97 (head_dim 12), 33 (head_dim 160)', async () => {
    const shapes: AttentionDims[] = [
      { B: 1, N: 5, M: 1, heads: 2, headDim: 64 },
      { B: 1, N: 41, M: 97, heads: 2, headDim: 12 },
      { B: 2, N: 65, M: 33, heads: 1, headDim: 160 },
    ];
    await withKernelGpuDevice(async (device) => {
      for (const dims of shapes) {
        const r = await verifyAttention(device, dims, 'f32', 'packed', { version: 'v3' });
        expect(r.v3?.reduction).toBe('subgroup');
        expect(assertClose(r.label, r.got, r.ref, TOLERANCES.f32).ok).toBe(true);
      }
    });
  });

  it('the device has subgroups (8 lanes on lavapipe), and v3 compiles its subgroupShuffleXor path for d = 40, 64, 80, 160', async () => {
    await withKernelGpuDevice(async (device, ctx) => {
      expect(device.features.has('subgroups')).toBe(true);
      expect(ctx.report.subgroups).toBe(true);
      for (const headDim of [40, 64, 80, 160]) {
        const a = new FlashAttention(device, { dtype: 'f16', headDim, version: 'v3' });
        expect(a.variant).toBe('f16-native');
        expect(a.v3?.reduction, `d=${headDim}`).toBe('subgroup');
        a.destroy();
      }
    });
  });

  it('MatMul (tiled): 273×64·64×96 and 130×320·320×40 + bias', async () => {
    await withKernelGpuDevice((device) =>
      bothPaths(async (p) => [await verifyMatMul(device, 273, 64, 96, false, 'f16', p), await verifyMatMul(device, 130, 320, 40, true, 'f16', p)], TOLERANCES.f16),
    );
  });

  it('PoolKv on a 13×21 grid: 2D avg/max, shared and separate K/V, 1D', async () => {
    const wins: SaActiveWindow[] = [
      window2d(13, 21, 2, 2, 'avg', 1, 1) as SaActiveWindow,
      window2d(13, 21, 3, 2, 'max', 0.5, 0.25) as SaActiveWindow,
      { active: true, kind: '1d', mode: 'avg', len: 4, m: Math.floor(273 / 4), kBlend: 0, vBlend: 1, s: 4 },
    ];
    await withKernelGpuDevice((device) =>
      bothPaths(async (p) => (await Promise.all(wins.map((w) => verifyPool(device, 2, 13, 21, 12, w, 'f16', p)))).flat(), TOLERANCES.f16),
    );
  });

  for (const version of ATTENTION_VERSIONS) {
    const attn = { version };
    it(`SelfAttentionSite (attention ${version}), fast path: 5×40 grid, head_dim 64, plain / 2D 2×2 avg (K ≠ V) / 2D 3×3 max, with biases`, async () => {
      await withKernelGpuDevice((device) =>
        bothPaths(
          (p) => verifySite(device, { dtype: 'f16', f16Path: p, B: 2, h: 5, w: 40, C: 128, heads: 2, bias: true, windows: [PLAIN_WINDOW, window2d(5, 40, 2, 2, 'avg', 1, 0), window2d(5, 40, 3, 3, 'max', 0.5, 0.5)], attention: attn }),
          TOLERANCES.f16,
        ),
      );
    });

    it(`SelfAttentionSite (attention ${version}), general path: C 6 (head_dim 3) and C 16 (head_dim 2) on a 5×7 grid`, async () => {
      await withKernelGpuDevice(async (device) => {
        await bothPaths((p) => verifySite(device, { dtype: 'f16', f16Path: p, B: 2, h: 5, w: 7, C: 6, heads: 2, bias: true, windows: [PLAIN_WINDOW, window2d(5, 7, 2, 2, 'avg', 1, 1)], attention: attn }), TOLERANCES.f16);
        await bothPaths((p) => verifySite(device, { dtype: 'f16', f16Path: p, B: 2, h: 5, w: 7, C: 16, heads: 8, bias: false, windows: [PLAIN_WINDOW, window2d(5, 7, 2, 1, 'max', 0.5, 0)], attention: attn }), TOLERANCES.f16);
      });
    });
  }
});
