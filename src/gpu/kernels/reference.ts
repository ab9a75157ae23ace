// CPU references of our kernels — the spec they are tested against. Plain loops, float64
// accumulation, standard (max-subtracted) softmax. Pooling is src/sa's poolTokens (SPEC_SA.md §4).
import { poolTokens, type SaWindow } from '../../sa/index.ts';

/** y[r, c] = Σ_k x[r, k] · w[k, c] (+ bias[c]). x: [rows, k], w: [k, ncols], y: [rows, ncols]. */
export function matmulReference(x: Float32Array, w: Float32Array, rows: number, k: number, ncols: number, bias?: Float32Array): Float32Array {
  const y = new Float32Array(rows * ncols);
  const acc = new Float64Array(ncols);
  for (let r = 0; r < rows; r++) {
    if (bias) acc.set(bias);
    else acc.fill(0);
    for (let i = 0; i < k; i++) {
      const a = x[r * k + i];
      const row = i * ncols;
      for (let c = 0; c < ncols; c++) acc[c] += a * w[row + c];
    }
    y.set(acc, r * ncols);
  }
  return y;
}

export interface AttentionDims {
  B: number;
  N: number;
  M: number;
  heads: number;
  /** head_dim; C = heads · headDim */
  headDim: number;
}

/**
 * o = softmax(q kᵀ / √d) v per batch and head. q: [B, N, C], k, v: [B, M, C], o: [B, N, C], head h
 * at channels h·d .. h·d + d.
 */
export function attentionReference(q: Float32Array, k: Float32Array, v: Float32Array, { B, N, M, heads, headDim: d }: AttentionDims): Float32Array {
  const C = heads * d;
  const o = new Float32Array(B * N * C);
  const s = new Float64Array(M);
  const acc = new Float64Array(d);
  const scale = 1 / Math.sqrt(d);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let n = 0; n < N; n++) {
        const qrow = (b * N + n) * C + h * d;
        let max = -Infinity;
        for (let m = 0; m < M; m++) {
          const krow = (b * M + m) * C + h * d;
          let dot = 0;
          for (let i = 0; i < d; i++) dot += q[qrow + i] * k[krow + i];
          s[m] = dot * scale;
          if (s[m] > max) max = s[m];
        }
        let sum = 0;
        acc.fill(0);
        for (let m = 0; m < M; m++) {
          const p = Math.exp(s[m] - max);
          sum += p;
          const vrow = (b * M + m) * C + h * d;
          for (let i = 0; i < d; i++) acc[i] += p * v[vrow + i];
        }
        for (let i = 0; i < d; i++) o[qrow + i] = acc[i] / sum;
      }
    }
  }
  return o;
}

export interface SiteReferenceOptions {
  /** biases of the Q/K/V projections ([C] each) */
  bq?: Float32Array;
  bk?: Float32Array;
  bv?: Float32Array;
  /**
   * Rounds a tensor to what the kernels store (e.g. roundToHalf for f16 sites); applied to the
   * pooled K/V inputs, q, k, v and o. Identity for f32.
   */
  round?: (t: Float32Array) => Float32Array;
}

/**
 * One self-attention site (SPEC_SA.md §1): q = n·Wq, k = pool_k(n)·Wk, v = pool_v(n)·Wv,
 * o = softmax(q kᵀ/√d) v. n: [B, h·w, C], W*: [C, C] (x·W), returns o: [B, N, C].
 */
export function siteReference(
  n: Float32Array,
  B: number,
  h: number,
  w: number,
  C: number,
  heads: number,
  Wq: Float32Array,
  Wk: Float32Array,
  Wv: Float32Array,
  window: SaWindow,
  opts: SiteReferenceOptions = {},
): Float32Array {
  const round = opts.round ?? ((t: Float32Array) => t);
  const N = h * w;
  const pooled = window.active ? poolTokens(n, B, h, w, C, window) : { k: n, v: n, m: N };
  const M = pooled.m;
  const q = round(matmulReference(n, Wq, B * N, C, C, opts.bq));
  const k = round(matmulReference(round(pooled.k), Wk, B * M, C, C, opts.bk));
  const v = round(matmulReference(round(pooled.v), Wv, B * M, C, C, opts.bv));
  return round(attentionReference(q, k, v, { B, N, M, heads, headDim: C / heads }));
}

/** y[r, g·dout + j] = x[r, g·din + j] for j < len, 0 for len ≤ j < dout (shaders/repack.wgsl). */
export function repackReference(x: ArrayLike<number>, rows: number, groups: number, din: number, dout: number, len: number): Float32Array {
  const y = new Float32Array(rows * groups * dout);
  for (let r = 0; r < rows; r++) for (let g = 0; g < groups; g++) for (let j = 0; j < len; j++) y[(r * groups + g) * dout + j] = x[(r * groups + g) * din + j];
  return y;
}
