// The CPU pooling reference against SPEC_SA.md §4, on token grids small enough to pool by hand.
import { describe, expect, it } from 'vitest';
import { normalizeSaParams } from './params.ts';
import { poolTokens } from './pool-reference.ts';
import { SaScheduleError, strideAt, windowForStride } from './schedule.ts';

/** n[b, i, j, c] = f(b, i, j, c) as [B, h·w, C] row-major. */
function grid(B: number, h: number, w: number, C: number, f: (b: number, i: number, j: number, c: number) => number): Float32Array {
  const n = new Float32Array(B * h * w * C);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) for (let c = 0; c < C; c++) n[((b * h + i) * w + j) * C + c] = f(b, i, j, c);
  return n;
}

// 3×5 grid, one channel, n[i, j] = 10i + j:
//    0  1  2  3  4
//   10 11 12 13 14
//   20 21 22 23 24
const N35 = grid(1, 3, 5, 1, (_b, i, j) => 10 * i + j);

describe('2D pooling on a 3×5 grid with 2×2 windows (ho = 1, wo = 2; row 2 and column 4 dropped)', () => {
  // windows {0, 1, 10, 11} and {2, 3, 12, 13}: one = 0, 2; mean = 5.5, 7.5; max = 11, 13
  const win = (mode: '2D_AVG' | '2D_MAX', kb: number, vb: number) => windowForStride(3, mode, 3, 5, kb, vb);

  it('avg: blend 0 is the strided sample, 1 the mean, 0.5 halfway', () => {
    // k = one + (mean − one)·0.5 = 0 + 5.5·0.5, 2 + 5.5·0.5
    const { k, v, m } = poolTokens(N35, 1, 3, 5, 1, win('2D_AVG', 0.5, 1));
    expect(m).toBe(2);
    expect(Array.from(k)).toEqual([2.75, 4.75]);
    expect(Array.from(v)).toEqual([5.5, 7.5]);
    expect(Array.from(poolTokens(N35, 1, 3, 5, 1, win('2D_AVG', 0, 0)).k)).toEqual([0, 2]);
  });

  it('max: k at 0.75 is 0 + 11·0.75, 2 + 11·0.75; v at 0 is the sample', () => {
    const { k, v } = poolTokens(N35, 1, 3, 5, 1, win('2D_MAX', 0.75, 0));
    expect(Array.from(k)).toEqual([8.25, 10.25]);
    expect(Array.from(v)).toEqual([0, 2]);
  });

  it('drops the ragged last row and column: huge values there change nothing', () => {
    const spiked = grid(1, 3, 5, 1, (_b, i, j) => (i === 2 || j === 4 ? 1000 : 10 * i + j));
    expect(Array.from(poolTokens(spiked, 1, 3, 5, 1, win('2D_MAX', 1, 1)).k)).toEqual([11, 13]);
    expect(Array.from(poolTokens(spiked, 1, 3, 5, 1, win('2D_AVG', 1, 1)).v)).toEqual([5.5, 7.5]);
  });
});

describe('1D pooling on the same 3×5 grid, len 4 (m = ⌊15/4⌋ = 3; tokens 22, 23, 24 dropped)', () => {
  // windows cross rows: [0 1 2 3], [4 10 11 12], [13 14 20 21]
  // one = 0, 4, 13; mean = 1.5, 9.25, 17; max = 3, 12, 21
  it('avg with k_blend 1, v_blend 0', () => {
    const { k, v, m } = poolTokens(N35, 1, 3, 5, 1, windowForStride(4, '1D_AVG', 3, 5, 1, 0));
    expect(m).toBe(3);
    expect(Array.from(k)).toEqual([1.5, 9.25, 17]);
    expect(Array.from(v)).toEqual([0, 4, 13]);
  });

  it('max with k_blend 0.5, v_blend 1', () => {
    // k = 0 + 3·0.5, 4 + 8·0.5, 13 + 8·0.5
    const { k, v } = poolTokens(N35, 1, 3, 5, 1, windowForStride(4, '1D_MAX', 3, 5, 0.5, 1));
    expect(Array.from(k)).toEqual([1.5, 8, 17]);
    expect(Array.from(v)).toEqual([3, 12, 21]);
  });
});

describe('batches and channels pool independently', () => {
  it('B = 2, 2×4 grid, C = 3, 2×2 windows', () => {
    // n = 100b + 10·token + c, token = 4i + j. Windows {0,1,4,5}, {2,3,6,7}:
    // mean token 2.5, 4.5 → 100b + 25 + c, 100b + 45 + c; max token 5, 7; first token 0, 2
    const n = grid(2, 2, 4, 3, (b, i, j, c) => 100 * b + 10 * (4 * i + j) + c);
    const avg = poolTokens(n, 2, 2, 4, 3, windowForStride(4, '2D_AVG', 2, 4, 0, 1));
    const max = poolTokens(n, 2, 2, 4, 3, windowForStride(4, '2D_MAX', 2, 4, 1, 0));
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 3; c++) {
        const at = (m: number) => (b * 2 + m) * 3 + c;
        expect([avg.k[at(0)], avg.k[at(1)]]).toEqual([100 * b + c, 100 * b + 20 + c]);
        expect([avg.v[at(0)], avg.v[at(1)]]).toEqual([100 * b + 25 + c, 100 * b + 45 + c]);
        expect([max.k[at(0)], max.k[at(1)]]).toEqual([100 * b + 50 + c, 100 * b + 70 + c]);
      }
    }
  });
});

describe('a 13×21 grid (latent 52×84 at level 2) with 3×2 windows', () => {
  // s = 6 → sty 3, stx 2; ho = ⌊13/3⌋ = 4, wo = ⌊21/2⌋ = 10. With n[i, j] = 100i + j, window (I, J)
  // covers rows 3I..3I+2, columns 2J..2J+1: one = 300I + 2J, mean = 100(3I+1) + 2J + 0.5,
  // max = 100(3I+2) + 2J + 1.
  const n = grid(1, 13, 21, 1, (_b, i, j) => 100 * i + j);

  it.each(['2D_AVG', '2D_MAX'] as const)('%s matches the closed forms', (mode) => {
    const win = windowForStride(6, mode, 13, 21, 0, 1);
    expect(win).toMatchObject({ ho: 4, wo: 10, m: 40 });
    const { k, v, m } = poolTokens(n, 1, 13, 21, 1, win);
    expect(m).toBe(40);
    for (let I = 0; I < 4; I++) {
      for (let J = 0; J < 10; J++) {
        expect(k[I * 10 + J]).toBe(300 * I + 2 * J);
        expect(v[I * 10 + J]).toBe(mode === '2D_AVG' ? 100 * (3 * I + 1) + 2 * J + 0.5 : 100 * (3 * I + 2) + 2 * J + 1);
      }
    }
  });
});

describe('blend 1 is full pooling (deviation 2)', () => {
  it('a schedule window with k_blend = v_blend = 1 carries blend 1 and pools to the window mean', () => {
    // The original node returns the strided sample when both blends are 1; here it is the mean.
    const { params } = normalizeSaParams({ time_decay: 0, in: { k_blend: 1, v_blend: 1 } });
    const win = strideAt({ name: 'down', side: 'in', level: 0, channels: 320 }, 999, params, { baseChannels: 320, h: 13, w: 21 });
    expect(win).toMatchObject({ active: true, kind: '2d', sty: 3, stx: 2, kBlend: 1, vBlend: 1 });
    const n = grid(1, 13, 21, 1, (_b, i, j) => 100 * i + j);
    const { k, v } = poolTokens(n, 1, 13, 21, 1, win);
    // window (1, 3): mean = 100·4 + 6 + 0.5 = 406.5; strided sample = 300 + 6 = 306
    expect(k[13]).toBe(406.5);
    expect(v[13]).toBe(406.5);
    expect(k[13]).not.toBe(306);
  });
});

describe('plain attention and bad shapes', () => {
  it('an inactive window returns copies of n (M = N)', () => {
    const { k, v, m } = poolTokens(N35, 1, 3, 5, 1, { active: false, reason: 'weak', s: 0.5 });
    expect(m).toBe(15);
    expect(Array.from(k)).toEqual(Array.from(N35));
    expect(Array.from(v)).toEqual(Array.from(N35));
    expect(k).not.toBe(N35);
  });

  it('says what size n should have', () => {
    expect(() => poolTokens(new Float32Array(14), 1, 3, 5, 1, windowForStride(3, '2D_AVG', 3, 5, 0, 0))).toThrow(SaScheduleError);
    expect(() => poolTokens(new Float32Array(14), 1, 3, 5, 1, windowForStride(3, '2D_AVG', 3, 5, 0, 0))).toThrow(/expected B·h·w·C = 1·3·5·1 = 15/);
  });
});
