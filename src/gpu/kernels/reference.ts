// CPU references of our kernels — the spec they are tested against. Plain loops, float64
// accumulation, standard (max-subtracted) softmax.

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
