// CPU reference for SA's K/V token pooling (SPEC_SA.md §4): the spec that every pooling kernel
// is tested against. Plain loops, float64 accumulation, no cleverness.
//   one  = top-left token of each window (the strided sample)
//   pool = window mean (avg) or element-wise max (max)
//   k    = one + (pool − one) · kBlend,   v = one + (pool − one) · vBlend
import { SaScheduleError, type SaWindow } from './schedule.ts';

export interface PooledTokens {
  /** k, v: [B, M, C] */
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly m: number;
}

/**
 * n: [B, N, C] row-major, N = h·w in raster order. Returns k, v: [B, M, C] with M = ho·wo (2D)
 * or floor(N / len) (1D); ragged last rows / columns / tokens are dropped. An inactive window
 * returns copies of n (M = N: plain attention).
 */
export function poolTokens(n: Float32Array, B: number, h: number, w: number, C: number, window: SaWindow): PooledTokens {
  const N = h * w;
  if (n.length !== B * N * C) {
    throw new SaScheduleError(`poolTokens: n has ${n.length} values, expected B·h·w·C = ${B}·${h}·${w}·${C} = ${B * N * C}.`);
  }
  if (!window.active) return { k: n.slice(), v: n.slice(), m: N };
  const windows = windowTokenLists(window, h, w);
  const M = windows.length;
  const k = new Float32Array(B * M * C);
  const v = new Float32Array(B * M * C);
  const pool = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      const tokens = windows[m];
      reduceWindow(n, (b * N) * C, C, tokens, window.mode, pool);
      const first = (b * N + tokens[0]) * C;
      const out = (b * M + m) * C;
      for (let c = 0; c < C; c++) {
        const one = n[first + c];
        k[out + c] = one + (pool[c] - one) * window.kBlend;
        v[out + c] = one + (pool[c] - one) * window.vBlend;
      }
    }
  }
  return { k, v, m: M };
}

/** Token indices (into the raster order) of each output window; the first is the top-left one. */
function windowTokenLists(window: Extract<SaWindow, { active: true }>, h: number, w: number): number[][] {
  const lists: number[][] = [];
  if (window.kind === '1d') {
    const count = Math.floor((h * w) / window.len);
    for (let m = 0; m < count; m++) {
      lists.push(Array.from({ length: window.len }, (_, i) => m * window.len + i));
    }
    return lists;
  }
  const ho = Math.floor(h / window.sty);
  const wo = Math.floor(w / window.stx);
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) {
      const tokens: number[] = [];
      for (let di = 0; di < window.sty; di++) {
        for (let dj = 0; dj < window.stx; dj++) tokens.push((i * window.sty + di) * w + j * window.stx + dj);
      }
      lists.push(tokens);
    }
  }
  return lists;
}

/** pool[c] = mean or max over the window's tokens of n[base + token·C + c]. */
function reduceWindow(n: Float32Array, base: number, C: number, tokens: number[], mode: 'avg' | 'max', pool: Float64Array): void {
  pool.fill(mode === 'max' ? -Infinity : 0);
  for (const t of tokens) {
    const row = base + t * C;
    for (let c = 0; c < C; c++) pool[c] = mode === 'max' ? Math.max(pool[c], n[row + c]) : pool[c] + n[row + c];
  }
  if (mode === 'avg') for (let c = 0; c < C; c++) pool[c] /= tokens.length;
}
