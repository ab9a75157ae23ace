// CPU reference of one attn1 site (SPEC_SA §1): pool → Q/K/V projections → attention.
import { poolTokens } from '../../sa/pool-reference.ts';
import type { SaWindow } from '../../sa/schedule.ts';
import { attentionReference, matmulReference } from '../../gpu/kernels/reference.ts';

/** Plain or SA attention of one site per SPEC_SA §1: pool → Q/K/V projections → attention. */
export function siteReference(
  n: Float32Array,
  dims: { B: number; h: number; w: number; C: number; heads: number },
  W: { q: Float32Array; k: Float32Array; v: Float32Array },
  window: SaWindow,
): Float32Array {
  const { B, h, w, C, heads } = dims;
  const N = h * w;
  const pooled = window.active ? poolTokens(n, B, h, w, C, window) : { k: n, v: n, m: N };
  const M = pooled.m;
  const q = matmulReference(n, W.q, B * N, C, C);
  const k = matmulReference(pooled.k, W.k, B * M, C, C);
  const v = matmulReference(pooled.v, W.v, B * M, C, C);
  return attentionReference(q, k, v, { B, N, M, heads, headDim: C / heads });
}

