import { describe, expect, it } from 'vitest';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { assertClose } from './kernels/check.ts';
import { PLAIN_WINDOW, TOLERANCES, verifySite, window2d, type SiteCase } from './kernels/verify.ts';

// Tolerances (TOLERANCES in kernels/verify.ts): f32 1e-5 + |ref|·1e-4; packed f16 1e-3 + |ref|·2e-3
// against a reference that rounds every stored tensor to f16 like the kernels.
async function check(c: SiteCase): Promise<void> {
  const results = await withGpuDevice((device) => verifySite(device, c));
  expect(results).toHaveLength(c.windows.length);
  for (const r of results) expect(assertClose(r.label, r.got, r.ref, TOLERANCES[c.dtype]).ok).toBe(true);
}

describe('SelfAttentionSite vs siteReference', () => {
  it('fp32, 13×21 grid, head_dim 40: plain, 2D 3×3 avg (shared K/V), 1D len 2 max (K ≠ V), with biases', async () => {
    const sa1d = { active: true, kind: '1d', mode: 'max', len: 2, m: 136, kBlend: 0.3, vBlend: 1, s: 2 } as const;
    await check({ dtype: 'f32', B: 2, h: 13, w: 21, C: 80, heads: 2, bias: true, windows: [PLAIN_WINDOW, window2d(13, 21, 3, 3, 'avg', 0.5, 0.5), sa1d] });
  });

  it('packed fp16, 5×40 grid, head_dim 64: plain and 2D 2×2 avg (k_blend 1, v_blend 0)', async () => {
    await check({ dtype: 'f16', f16Path: 'packed', B: 2, h: 5, w: 40, C: 128, heads: 2, bias: false, windows: [PLAIN_WINDOW, window2d(5, 40, 2, 2, 'avg', 1, 0)] });
  });
});

describe('SelfAttentionSite, general path (C or head_dim not a multiple of 4) vs siteReference', () => {
  const sa2x2 = (h: number, w: number) => window2d(h, w, 2, 2, 'avg', 1, 1);
  it('fp32: head_dim 2 (C 16, 8 heads), 6×10 grid: plain, 2D 2×2 avg, 2D 3×2 max (K ≠ V)', async () => {
    await check({ dtype: 'f32', B: 2, h: 6, w: 10, C: 16, heads: 8, bias: false, windows: [PLAIN_WINDOW, sa2x2(6, 10), window2d(6, 10, 3, 2, 'max', 0.5, 1)] });
  });
  it('fp32: C 6 (not a multiple of 4), head_dim 3, with biases, 5×7 grid', async () => {
    await check({ dtype: 'f32', B: 2, h: 5, w: 7, C: 6, heads: 2, bias: true, windows: [PLAIN_WINDOW, sa2x2(5, 7)] });
  });
  it('fp32: head_dim 1 (C 5, 5 heads) and head_dim 44 (a multiple of 4 the tiling cannot split; runs as 48)', async () => {
    await check({ dtype: 'f32', B: 1, h: 4, w: 9, C: 5, heads: 5, bias: false, windows: [PLAIN_WINDOW, sa2x2(4, 9)] });
    await check({ dtype: 'f32', B: 1, h: 4, w: 9, C: 44, heads: 1, bias: true, windows: [PLAIN_WINDOW, sa2x2(4, 9)] });
  });
  it('packed fp16: C 6 head_dim 3 and C 16 head_dim 2, 5×7 grid', async () => {
    await check({ dtype: 'f16', f16Path: 'packed', B: 2, h: 5, w: 7, C: 6, heads: 2, bias: true, windows: [PLAIN_WINDOW, sa2x2(5, 7)] });
    await check({ dtype: 'f16', f16Path: 'packed', B: 2, h: 5, w: 7, C: 16, heads: 8, bias: false, windows: [PLAIN_WINDOW, window2d(5, 7, 2, 1, 'max', 0.5, 0)] });
  });
});
