import { describe, expect, it } from 'vitest';
import { withGpuDevice } from './testing/with-gpu-device.ts';
import { readBuffer, uploadBuffer } from './buffers.ts';
import type { SaWindow } from '../sa/index.ts';
import { SelfAttentionSite, type SiteWeights } from './site.ts';
import { siteReference } from './kernels/reference.ts';
import { assertClose, seededValues, type Tolerance } from './kernels/check.ts';
import { fromHalf, roundToHalf, toHalf } from './kernels/half.ts';
import type { TensorDType } from './kernels/dtype.ts';

// fp32: 1e-5 + |ref|·1e-4. Packed fp16: the reference rounds n, the weights and every tensor the
// kernels store (pooled K/V inputs, q, k, v, o) to binary16 like the GPU; what remains is f32
// summation order flipping a rounding by one f16 ulp (2^-11 relative) and its effect through
// the softmax (seen: max |err| 1.2e-4, one ulp at 0.25): 1e-3 + |ref|·2e-3.
const TOL: Record<TensorDType, Tolerance> = { f32: { tol: 1e-5, eps: 1e-4 }, f16: { tol: 1e-3, eps: 2e-3 } };

interface SiteCase {
  dtype: TensorDType;
  B: number;
  h: number;
  w: number;
  C: number;
  heads: number;
  bias: boolean;
  windows: SaWindow[];
}

async function checkSite(device: GPUDevice, c: SiteCase): Promise<void> {
  const { dtype, B, h, w, C, heads } = c;
  const N = h * w;
  const round = dtype === 'f16' ? roundToHalf : (t: Float32Array) => t;
  const n = round(seededValues(B * N * C, 21 + N, 2));
  const [wq, wk, wv] = [31, 32, 33].map((s) => round(seededValues(C * C, s, 1 / Math.sqrt(C))));
  const [bq, bk, bv] = c.bias ? [41, 42, 43].map((s) => round(seededValues(C, s, 0.5))) : [];
  // f16 sites get the weights as raw half bits, as an fp16 ONNX initializer holds them
  const weights: SiteWeights =
    dtype === 'f16' ? { wq: toHalf(wq), wk: toHalf(wk), wv: toHalf(wv), bq: bq && toHalf(bq), bk: bk && toHalf(bk), bv: bv && toHalf(bv) } : { wq, wk, wv, bq, bk, bv };
  const site = new SelfAttentionSite(device, { dtype, f16Path: 'packed', C, heads, weights, label: 'test.attn1' });
  const nBuf = uploadBuffer(device, 'n', dtype === 'f16' ? toHalf(n) : n);
  for (const window of c.windows) {
    const enc = device.createCommandEncoder();
    const o = site.encode(enc, { n: nBuf, B, h, w, window });
    device.queue.submit([enc.finish()]);
    const bytes = await readBuffer(device, o, B * N * C * (dtype === 'f16' ? 2 : 4));
    const got = dtype === 'f16' ? fromHalf(new Uint16Array(bytes)) : new Float32Array(bytes);
    const ref = siteReference(n, B, h, w, C, heads, wq, wk, wv, window, { bq, bk, bv, round });
    const what = window.active ? (window.kind === '2d' ? `2D ${window.sty}×${window.stx}` : `1D ${window.len}`) + ` ${window.mode}` : 'plain';
    const r = assertClose(`site ${dtype} ${h}×${w} C=${C}/${heads} ${what}`, got, ref, TOL[dtype]);
    expect(r.ok).toBe(true);
  }
  site.destroy();
}

function win2d(h: number, w: number, sty: number, stx: number, mode: 'avg' | 'max', kBlend: number, vBlend: number): SaWindow {
  const [ho, wo] = [Math.floor(h / sty), Math.floor(w / stx)];
  return { active: true, kind: '2d', mode, sty, stx, ho, wo, m: ho * wo, kBlend, vBlend, s: sty * stx };
}

const PLAIN: SaWindow = { active: false, reason: 'weak', s: 1 };

describe('SelfAttentionSite vs siteReference', () => {
  it('fp32, 13×21 grid, head_dim 40: plain, 2D 3×3 avg (shared K/V), 1D len 2 max (K ≠ V), with biases', async () => {
    await withGpuDevice((device) =>
      checkSite(device, {
        dtype: 'f32',
        B: 2,
        h: 13,
        w: 21,
        C: 80,
        heads: 2,
        bias: true,
        windows: [PLAIN, win2d(13, 21, 3, 3, 'avg', 0.5, 0.5), { active: true, kind: '1d', mode: 'max', len: 2, m: 136, kBlend: 0.3, vBlend: 1, s: 2 }],
      }),
    );
  });

  it('packed fp16, 5×40 grid, head_dim 64: plain and 2D 2×2 avg (k_blend 1, v_blend 0)', async () => {
    await withGpuDevice((device) =>
      checkSite(device, { dtype: 'f16', B: 2, h: 5, w: 40, C: 128, heads: 2, bias: false, windows: [PLAIN, win2d(5, 40, 2, 2, 'avg', 1, 0)] }),
    );
  });
});
