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
