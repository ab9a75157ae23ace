// The SA schedule against SPEC_SA.md §3. Every expected value below is worked out by hand from
// the spec's formulas (arithmetic shown in the comments), not printed by the code under test.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, normalizeSaParams, type SaParams } from './params.ts';
import {
  SaScheduleError,
  planGeneration,
  siteDepth,
  siteGrid,
  strideAt,
  windowForStride,
  windowLabel,
  type SaSite,
  type SaWindow,
} from './schedule.ts';
import { TRAINING_SIGMAS, sigmaToTimestep } from './sigmas.ts';
import { sdUnetSites } from './sites.ts';

function params(input: unknown): SaParams {
  const r = normalizeSaParams(input);
  expect(r.notices).toEqual([]);
  return r.params;
}

const DOWN0: SaSite = { name: 'down0', side: 'in', level: 0, channels: 320 };
const UP0: SaSite = { name: 'up0', side: 'out', level: 0, channels: 320 };
const MID: SaSite = { name: 'mid', side: 'mid', level: 3, channels: 1280 };
const CTX64 = { baseChannels: 320, h: 64, w: 64 };

/** Shape of a window without s / blends, for compact tables. */
function shape(w: SaWindow): string {
  if (!w.active) return `off:${w.reason}`;
  return w.kind === '2d' ? `${w.sty}x${w.stx} ${w.ho}x${w.wo} m${w.m}` : `len${w.len} m${w.m}`;
}

describe('window split boundaries (2D, 64×64 grid)', () => {
  // sty = ⌈√s⌉, stx = ⌈s/sty⌉; ho = ⌊64/sty⌋, wo = ⌊64/stx⌋
  const table: [number, string][] = [
    [1, 'off:weak'], //                   s ≤ 1
    [1.01, '2x1 32x64 m2048'], //         √1.01 = 1.005 → 2; 1.01/2 = 0.505 → 1
    [2, '2x1 32x64 m2048'], //            √2 = 1.414 → 2; 2/2 = 1 → 1
    [2.01, '2x2 32x32 m1024'], //         √2.01 = 1.418 → 2; 2.01/2 = 1.005 → 2
    [4, '2x2 32x32 m1024'], //            √4 = 2; 4/2 = 2
    [4.01, '3x2 21x32 m672'], //          √4.01 = 2.0025 → 3; 4.01/3 = 1.337 → 2; ⌊64/3⌋ = 21
    [6, '3x2 21x32 m672'], //             √6 = 2.449 → 3; 6/3 = 2
    [6.01, '3x3 21x21 m441'], //          6.01/3 = 2.003 → 3
    [9, '3x3 21x21 m441'], //             √9 = 3; 9/3 = 3
    [9.01, '4x3 16x21 m336'], //          √9.01 = 3.0017 → 4; 9.01/4 = 2.2525 → 3
    [10, '4x3 16x21 m336'], //            √10 = 3.162 → 4; 10/4 = 2.5 → 3
  ];

  it.each(table)('s = %d → %s', (s, expected) => {
    expect(shape(windowForStride(s, '2D_AVG', 64, 64, 0, 0))).toBe(expected);
  });

  it.each(table)('strideAt with strength %d, time_decay 0, depth 1 gives the same window', (s, expected) => {
    // time_ratio = 1 (time_decay 0), depth_ratio = (320/320)^-2 = 1 ⇒ s = strength exactly
    const w = strideAt(DOWN0, 999, params({ time_decay: 0, in: { strength: s } }), CTX64);
    expect(w.s).toBe(s);
    expect(shape(w)).toBe(expected);
  });

  it('strength 0 is plain attention', () => {
    expect(strideAt(DOWN0, 500, params({ in: { strength: 0 } }), CTX64)).toEqual({ active: false, reason: 'weak', s: 0 });
  });
});

describe('1D windows (len = clip(⌈s⌉, 1, N), m = ⌊N/len⌋, N = 4096)', () => {
  it.each([
    [1, 'off:weak'],
    [1.01, 'len2 m2048'],
    [2, 'len2 m2048'],
    [2.01, 'len3 m1365'], // 4096/3 = 1365.3
    [4, 'len4 m1024'],
    [4.01, 'len5 m819'], //  4096/5 = 819.2
    [6, 'len6 m682'], //     4096/6 = 682.7
    [6.01, 'len7 m585'], //  4096/7 = 585.1
    [9, 'len9 m455'], //     4096/9 = 455.1
    [9.01, 'len10 m409'], // 4096/10 = 409.6
    [10, 'len10 m409'],
  ] as const)('s = %d → %s', (s, expected) => {
    expect(shape(windowForStride(s, '1D_MAX', 64, 64, 0, 0))).toBe(expected);
  });

  it('carries the pooling kind and both blends from the side that applies', () => {
    const w = strideAt(UP0, 999, params({ time_decay: 0, out: { strength: 5, mode: '1D_MAX', k_blend: 0.25, v_blend: 0.75 } }), CTX64);
    expect(w).toEqual({ active: true, kind: '1d', mode: 'max', len: 5, m: 819, kBlend: 0.25, vBlend: 0.75, s: 5 });
  });
});

describe('clipping to tiny grids', () => {
  it.each([
    // [s, h, w, expected]
    [10, 1, 1, 'off:unit_window'], //  sty = clip(4,1,1) = 1; stx = clip(⌈10/1⌉,1,1) = 1
    [4, 1, 64, '1x4 1x16 m16'], //      sty = clip(2,1,1) = 1; stx = ⌈4/1⌉ = 4 (area kept)
    [10, 1, 3, '1x3 1x1 m1'], //        stx = clip(10,1,3) = 3
    [6, 64, 1, '3x1 21x1 m21'], //      sty = 3; stx = clip(⌈6/3⌉,1,1) = 1
    [50, 2, 1, '2x1 1x1 m1'], //        sty = clip(8,1,2) = 2; stx = clip(25,1,1) = 1
    [50, 2, 2, '2x2 1x1 m1'], //        stx = clip(25,1,2) = 2: the whole grid is one window
    [9, 2, 5, '2x5 1x1 m1'], //         sty = clip(3,1,2) = 2; stx = clip(⌈9/2⌉ = 5,1,5) = 5
    [3, 5, 3, '2x2 2x1 m2'], //         ⌊5/2⌋ = 2 rows, ⌊3/2⌋ = 1 column; ragged row and column dropped
  ] as const)('2D s = %d on %d×%d → %s', (s, h, w, expected) => {
    expect(shape(windowForStride(s, '2D_MAX', h, w, 0, 0))).toBe(expected);
  });

  it.each([
    [10, 1, 1, 'off:unit_window'], // len = clip(10, 1, 1) = 1: pooling is the identity
    [10, 1, 3, 'len3 m1'],
    [3, 2, 2, 'len3 m1'], //          ⌊4/3⌋ = 1, the 4th token dropped
    [2, 1, 5, 'len2 m2'],
  ] as const)('1D s = %d on %d×%d → %s', (s, h, w, expected) => {
    expect(shape(windowForStride(s, '1D_AVG', h, w, 0, 0))).toBe(expected);
  });

  it('an 8×8 latent makes the level-3 grid 1×1, where every site is plain attention', () => {
    const g = siteGrid(8, 8, 3); // 8 → 4 → 2 → 1
    expect(g).toEqual({ h: 1, w: 1 });
    const p = params({ time_decay: 0, keep_middle: false, in: { strength: 50, depth_decay: 0 } });
    expect(strideAt(MID, 500, p, { baseChannels: 320, ...g })).toEqual({ active: false, reason: 'unit_window', s: 50 });
  });

  it('rejects grids and timesteps that only a caller bug produces', () => {
    expect(() => windowForStride(4, '2D_AVG', 0, 4, 0, 0)).toThrow(SaScheduleError);
    expect(() => windowForStride(4, '2D_AVG', 4, 2.5, 0, 0)).toThrow(SaScheduleError);
    expect(() => strideAt(DOWN0, NaN, DEFAULT_SA_PARAMS, CTX64)).toThrow(SaScheduleError);
    expect(() => strideAt(MID, NaN, DEFAULT_SA_PARAMS, CTX64)).toThrow(SaScheduleError);
    expect(() => siteGrid(64, 64, -1)).toThrow(SaScheduleError);
  });
});

describe('siteGrid: exact h, w for any latent size (deviation 3)', () => {
  it.each([
    // latent 24×40 (192×320 px): 24×40 → 12×20 → 6×10 → 3×5
    [24, 40, [[24, 40], [12, 20], [6, 10], [3, 5]]],
    // latent 52×84 (416×672 px): 52×84 → 26×42 → 13×21 → ⌈6.5⌉×⌈10.5⌉ = 7×11
    [52, 84, [[52, 84], [26, 42], [13, 21], [7, 11]]],
    // latent 13×21 (104×168 px): 13×21 → 7×11 → 4×6 → 2×3
    [13, 21, [[13, 21], [7, 11], [4, 6], [2, 3]]],
  ] as const)('latent %d×%d', (H, W, levels) => {
    levels.forEach(([h, w], level) => expect(siteGrid(H, W, level)).toEqual({ h, w }));
  });

  it('agrees with the conv output size of a stride-2, padding-1, 3×3 downsample', () => {
    // out = ⌊(in + 2·1 − 3)/2⌋ + 1
    const conv = (x: number) => Math.floor((x + 2 - 3) / 2) + 1;
    for (let x = 1; x <= 200; x++) {
      expect(siteGrid(x, 7, 1).h).toBe(conv(x));
      expect(siteGrid(9, x, 2).w).toBe(conv(conv(x)));
    }
  });

  it('uses exact grids for non-square sizes not divisible by 64', () => {
    // 13×21 grid, s = 6 → 3×2 window: ho = ⌊13/3⌋ = 4, wo = ⌊21/2⌋ = 10, m = 40
    const p = params({ time_decay: 0 });
    const plan = planGeneration([DOWN0, { ...DOWN0, name: 'down2', level: 2 }], [999], p, { h: 52, w: 84 }, 320);
    expect(plan.grids).toEqual([{ h: 52, w: 84 }, { h: 13, w: 21 }]);
    // level 2 with channels 320 keeps depth 1 here, so only the grid changes
    expect(shape(plan.cells[1][0])).toBe('3x2 4x10 m40');
    // latent 24×40, level 3 → 3×5 grid, s = 6 → 3×2: ho = 1, wo = ⌊5/2⌋ = 2
    expect(shape(strideAt(DOWN0, 999, p, { baseChannels: 320, ...siteGrid(24, 40, 3) }))).toBe('3x2 1x2 m2');
  });
});

describe('time schedule', () => {
  // time = 1 − t/1000; time_ratio = exp(−((time − 0.4)·2)²) with the defaults; s = strength · ratio
  it.each([
    // t, time, ((time − 0.4)·2)², ratio, s = 6·ratio → window (in) | s = 4·ratio → window (out)
    [999, '3.17388 2×2', '2.11592 2×2'], // 0.001, 0.636804, 0.528980
    [600, '6.00000 3×2', '4.00000 2×2'], // 0.4,   0,        1
    [200, '3.16375 2×2', '2.10917 2×2'], // 0.8,   0.64,     0.527292
    [0, '1.42157 2×1', '0.94771 off'], //   1,     1.44,     0.236928
    [-5, '1.42157 2×1', '0.94771 off'], //  time clipped to 1
  ] as const)('t = %d', (t, inExpected, outExpected) => {
    const fmt = (w: SaWindow) => `${w.s.toFixed(5)} ${w.active ? windowLabel(w) : 'off'}`;
    expect(fmt(strideAt(DOWN0, t, DEFAULT_SA_PARAMS, CTX64))).toBe(inExpected);
    expect(fmt(strideAt(UP0, t, DEFAULT_SA_PARAMS, CTX64))).toBe(outExpected);
  });

  it('time_decay 0 gives the same strength at every step', () => {
    const p = params({ time_decay: 0 });
    for (const t of [1200, 999, 751.5, 400, 1, 0, -1]) {
      expect(strideAt(DOWN0, t, p, CTX64)).toMatchObject({ active: true, sty: 3, stx: 2, s: 6 });
      expect(strideAt(UP0, t, p, CTX64)).toMatchObject({ active: true, sty: 2, stx: 2, s: 4 });
    }
  });

  it('an img2img-like schedule starting at t = 451 sees strong SA at its first step', () => {
    // t = 451: time 0.549, ((0.149)·2)² = 0.088804, ratio 0.915025, s = 5.49015 → 3×2
    // t = 251: time 0.749, (0.698)² = 0.487204, ratio 0.614342, s = 3.68605 → 2×2
    // t = 51:  time 0.949, (1.098)² = 1.205604, ratio 0.299511, s = 1.79707 → 2×1
    // (a full txt2img schedule's first step, t = 951: ratio 0.610911, s = 3.66547 → 2×2)
    const plan = planGeneration([DOWN0], [451, 251, 51], DEFAULT_SA_PARAMS, { h: 64, w: 64 });
    expect(plan.cells[0].map((w) => w.s)).toEqual([
      expect.closeTo(5.49015, 4),
      expect.closeTo(3.68605, 4),
      expect.closeTo(1.79707, 4),
    ]);
    expect(plan.cells[0].map(windowLabel)).toEqual(['3×2', '2×2', '2×1']);
    expect(strideAt(DOWN0, 951, DEFAULT_SA_PARAMS, CTX64).s).toBeCloseTo(3.66547, 4);
  });

  it('takes fractional timesteps from σ: σ_600 is t = 600, the default peak', () => {
    const t = sigmaToTimestep(TRAINING_SIGMAS[600]);
    expect(strideAt(DOWN0, t, DEFAULT_SA_PARAMS, CTX64).s).toBeCloseTo(6, 9);
  });
});

describe('blocks: in = down, out = up, mid (deviation 1)', () => {
  it('uses in strength and mode for down blocks and out for up blocks, not swapped', () => {
    const p = params({ time_decay: 0, in: { strength: 9, mode: '2D_MAX' }, out: { strength: 2, mode: '1D_AVG' } });
    // down: s = 9 → 3×3 max; up: s = 2 → 1D len 2, m = 4096/2 = 2048
    expect(strideAt(DOWN0, 999, p, CTX64)).toMatchObject({ kind: '2d', mode: 'max', sty: 3, stx: 3, s: 9 });
    expect(strideAt(UP0, 999, p, CTX64)).toMatchObject({ kind: '1d', mode: 'avg', len: 2, m: 2048, s: 2 });
  });

  it('keep_middle = true leaves the mid block plain at any strength', () => {
    const p = params({ time_decay: 0, in: { strength: 50, depth_decay: 0 } });
    expect(strideAt(MID, 999, p, { baseChannels: 320, h: 8, w: 8 })).toEqual({ active: false, reason: 'keep_middle', s: 0 });
  });

  it('keep_middle = false gives the mid block the in set', () => {
    // in: depth 1280/320 = 4, (1/4)^0.5 = 0.5, s = 6·0.5 = 3 → ⌈√3⌉ = 2, ⌈3/2⌉ = 2; 8×8 grid → 4×4
    // (the out set would give s = 40, 1D)
    const p = params({
      time_decay: 0, keep_middle: false,
      in: { depth_decay: 0.5, mode: '2D_MAX', k_blend: 0.3, v_blend: 0.7 },
      out: { strength: 40, depth_decay: 0, mode: '1D_AVG' },
    });
    expect(strideAt(MID, 999, p, { baseChannels: 320, h: 8, w: 8 })).toEqual({
      active: true, kind: '2d', mode: 'max', sty: 2, stx: 2, ho: 4, wo: 4, m: 16, kBlend: 0.3, vBlend: 0.7, s: 3,
    });
  });

  it('enabled = false makes every site plain', () => {
    const p = params({ enabled: false, keep_middle: false });
    const plan = planGeneration(sdUnetSites(), [999, 600, 0], p, { h: 64, w: 64 });
    for (const row of plan.cells) for (const w of row) expect(w).toEqual({ active: false, reason: 'disabled', s: 0 });
  });
});

describe('depth from channels: SD 1.x and SD 2.x (deviation 4)', () => {
  // Both: block_out_channels 320/640/1280/1280. SD 1.x has 8 heads everywhere; SD 2.x has
  // head_dim 64, so 5/10/20/20 heads — the original node took heads ≠ 8 for SDXL. Depth here is
  // C_site / 320 whatever the heads: down 1,1,2,2,4,4; mid 4; up 4,4,4,2,2,2,1,1,1.
  const DEPTHS = [1, 1, 2, 2, 4, 4, 4, 4, 4, 4, 2, 2, 2, 1, 1, 1];
  const sd15 = sdUnetSites().map((s) => ({ ...s, heads: 8 }));
  const sd2 = sdUnetSites().map((s) => ({ ...s, heads: s.channels / 64 }));

  it('gives depths 1, 2, 4, 4 for both layouts', () => {
    expect(sd2.map((s) => s.heads)).toEqual([5, 5, 10, 10, 20, 20, 20, 20, 20, 20, 10, 10, 10, 5, 5, 5]);
    expect(sd15.map((s) => siteDepth(s, 320))).toEqual(DEPTHS);
    expect(sd2.map((s) => siteDepth(s, 320))).toEqual(DEPTHS);
  });

  it('plans the same windows for both layouts', () => {
    // in 12, out 8, depth_decay 1, time_decay 0, mid on: s = strength / depth
    // down: 12 → 4×3 (√12 = 3.46 → 4, 12/4 = 3), 6 → 3×2, 3 → 2×2; mid: 3 → 2×2
    // up:   8/4 = 2 → 2×1, 8/2 = 4 → 2×2, 8/1 = 8 → 3×3 (√8 = 2.83 → 3, 8/3 = 2.67 → 3)
    const p = params({ time_decay: 0, keep_middle: false, in: { strength: 12, depth_decay: 1 }, out: { strength: 8, depth_decay: 1 } });
    const expected = ['4×3', '4×3', '3×2', '3×2', '2×2', '2×2', '2×2', '2×1', '2×1', '2×1', '2×2', '2×2', '2×2', '3×3', '3×3', '3×3'];
    for (const sites of [sd15, sd2]) {
      const plan = planGeneration(sites, [500], p, { h: 64, w: 64 });
      expect(plan.baseChannels).toBe(320);
      expect(plan.cells.map((row) => windowLabel(row[0]))).toEqual(expected);
    }
  });

  it('at the default depth_decay 2, deep sites fall to plain attention', () => {
    // down: 6/1 = 6 → 3×2; 6/4 = 1.5 → 2×1; 6/16 = 0.375 → —; up: 4/16 = 0.25, 4/4 = 1 (s ≤ 1) → —; 4 → 2×2
    const plan = planGeneration(sdUnetSites(), [400], params({ time_decay: 0, keep_middle: false }), { h: 64, w: 64 });
    expect(plan.cells.map((row) => windowLabel(row[0])).join(' ')).toBe('3×2 3×2 2×1 2×1 — — — — — — — — — 2×2 2×2 2×2');
  });
});

describe('planGeneration and labels', () => {
  it('builds a sites × steps table with grids, and the base channels from the smallest site', () => {
    const sites = sdUnetSites().slice(7); // up blocks only: 1280 ×3, 640 ×3, 320 ×3
    const plan = planGeneration(sites, [999, 500, 1], DEFAULT_SA_PARAMS, { h: 96, w: 64 });
    expect(plan.baseChannels).toBe(320);
    expect(plan.cells).toHaveLength(9);
    for (const row of plan.cells) expect(row).toHaveLength(3);
    expect(plan.grids.map((g) => `${g.h}x${g.w}`)).toEqual(['24x16', '24x16', '24x16', '48x32', '48x32', '48x32', '96x64', '96x64', '96x64']);
    // up level 0 at t = 500: time 0.5, (0.1·2)² = 0.04, ratio 0.960789, s = 3.84316 → 2×2 on 96×64
    expect(plan.cells[8][1]).toMatchObject({ sty: 2, stx: 2, ho: 48, wo: 32, m: 1536, s: expect.closeTo(3.84316, 4) });
  });

  it('plans nothing for no sites or no steps', () => {
    expect(planGeneration([], [999], DEFAULT_SA_PARAMS, { h: 8, w: 8 }).cells).toEqual([]);
    expect(planGeneration([DOWN0], [], DEFAULT_SA_PARAMS, { h: 8, w: 8 }).cells).toEqual([[]]);
  });

  it('labels windows compactly', () => {
    expect(windowLabel({ active: false, reason: 'weak', s: 0.5 })).toBe('—');
    expect(windowLabel(windowForStride(2, '2D_AVG', 8, 8, 0, 0))).toBe('2×1');
    expect(windowLabel(windowForStride(5, '2D_MAX', 8, 8, 0, 0))).toBe('3×2');
    expect(windowLabel(windowForStride(3.5, '1D_AVG', 8, 8, 0, 0))).toBe('1D·4');
  });
});
