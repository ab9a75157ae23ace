// Every width and height 64…512 (step 8) through the SA schedule at five strengths: site grids,
// windows and pooled K/V agree with closed forms written here from SPEC_SA.md (§2 grids, §3
// windows, §4 pooling), never with the code under test.
import { describe, expect, it } from 'vitest';
import { planGeneration, poolTokens, sdUnetSites, type SaWindow } from './index.ts';
import { ALL_SIZES, AXIS_SIZES, SA_STRENGTHS, SWEEP_TIMESTEPS } from './sizes.test-util.ts';

const SITES = sdUnetSites();
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** SPEC_SA §3 for a stride s on an h×w grid: what the window must be. */
function expectedShape(s: number, oneD: boolean, h: number, w: number): string {
  if (s <= 1) return 'inactive';
  if (oneD) {
    const len = clip(Math.ceil(s), 1, h * w);
    return len === 1 ? 'inactive' : `1d ${len} m=${Math.floor((h * w) / len)}`;
  }
  const sty = clip(Math.ceil(Math.sqrt(s)), 1, h);
  const stx = clip(Math.ceil(s / sty), 1, w);
  if (sty === 1 && stx === 1) return 'inactive';
  return `2d ${sty}×${stx} m=${Math.floor(h / sty) * Math.floor(w / stx)}`;
}

function shape(win: SaWindow): string {
  if (!win.active) return 'inactive';
  return win.kind === '1d' ? `1d ${win.len} m=${win.m}` : `2d ${win.sty}×${win.stx} m=${win.m}`;
}

describe('SA schedule at every size 64…512 × 64…512 (step 8)', () => {
  it('3,249 sizes × 5 strengths × 16 sites × 3 steps: grids and windows follow the spec, pooled grids are never empty', () => {
    let cells = 0;
    let active = 0;
    const bad: string[] = []; // (plain comparisons: 780k expect() calls would take minutes)
    for (const [W, H] of ALL_SIZES) {
      const latent = { h: H / 8, w: W / 8 };
      for (const { name, params } of SA_STRENGTHS) {
        const plan = planGeneration(SITES, SWEEP_TIMESTEPS, params, latent);
        plan.sites.forEach((site, i) => {
          const grid = plan.grids[i];
          const [gh, gw] = [Math.ceil(latent.h / 2 ** site.level), Math.ceil(latent.w / 2 ** site.level)];
          if (grid.h !== gh || grid.w !== gw) bad.push(`${W}×${H} ${site.name}: grid ${grid.h}×${grid.w}, expected ${gh}×${gw}`);
          const block = site.side === 'out' ? params.out : params.in;
          for (const win of plan.cells[i]) {
            cells++;
            const want = params.enabled ? expectedShape(win.s, block.mode.startsWith('1D'), grid.h, grid.w) : 'inactive';
            if (shape(win) !== want) bad.push(`${W}×${H} ${name} ${site.name} s=${win.s}: ${shape(win)}, expected ${want}`);
            if (!win.active) continue;
            active++;
            if (!(win.m >= 1 && win.m < grid.h * grid.w)) bad.push(`${W}×${H} ${name} ${site.name}: m = ${win.m} on ${grid.h}×${grid.w}`);
          }
        });
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
    expect(cells).toBe(ALL_SIZES.length * SA_STRENGTHS.length * SITES.length * SWEEP_TIMESTEPS.length);
    expect(active).toBeGreaterThan(cells / 2);
  });

  it('the strong settings give exactly 3×3, 4×4 and 1D·9 windows at every level-0 site', () => {
    for (const [W, H] of AXIS_SIZES) {
      const latent = { h: H / 8, w: W / 8 };
      for (const [name, want] of [['strong 3×3 (avg)', '3×3'], ['stronger 4×4 (max)', '4×4'], ['1D len 9 (max)', '9']] as const) {
        const params = SA_STRENGTHS.find((s) => s.name === name)!.params;
        const plan = planGeneration(SITES, SWEEP_TIMESTEPS, params, latent);
        plan.sites.forEach((site, i) => {
          if (site.level !== 0) return;
          for (const win of plan.cells[i]) {
            expect(win.active && (win.kind === '2d' ? `${win.sty}×${win.stx}` : String(win.len)), `${W}×${H} ${name}`).toBe(want);
          }
        });
      }
    }
  });

  it('pooled K/V at each width (height 64), each height (width 64) and the diagonal equal the closed forms of SPEC_SA §4', () => {
    const seen = new Set<string>();
    for (const [W, H] of AXIS_SIZES) {
      for (const { params } of SA_STRENGTHS) {
        const plan = planGeneration(SITES, SWEEP_TIMESTEPS, params, { h: H / 8, w: W / 8 });
        plan.sites.forEach((_, i) => {
          const { h, w } = plan.grids[i];
          for (const win of plan.cells[i]) {
            const key = `${h}×${w} ${JSON.stringify(win)}`;
            if (!win.active || seen.has(key)) continue;
            seen.add(key);
            checkPooling(h, w, win);
          }
        });
      }
    }
    expect(seen.size).toBeGreaterThan(300);
  });
});

/**
 * n[token] = (t, −t): every window's top-left ("one"), mean and max are closed forms of its first
 * token index t0 — 2D: mean t0 + (sty−1)/2·w + (stx−1)/2, max (t0 + (sty−1)·w + stx−1, −t0);
 * 1D: mean t0 + (len−1)/2, max (t0 + len − 1, −t0).
 */
function checkPooling(h: number, w: number, win: Extract<SaWindow, { active: true }>): void {
  const N = h * w;
  const n = new Float32Array(N * 2);
  for (let t = 0; t < N; t++) [n[2 * t], n[2 * t + 1]] = [t, -t];
  const { k, v, m } = poolTokens(n, 1, h, w, 2, win);
  const starts: number[] = [];
  if (win.kind === '1d') for (let j = 0; j < Math.floor(N / win.len); j++) starts.push(j * win.len);
  else for (let i = 0; i < Math.floor(h / win.sty); i++) for (let j = 0; j < Math.floor(w / win.stx); j++) starts.push(i * win.sty * w + j * win.stx);
  expect(m, `${h}×${w}`).toBe(starts.length);
  expect(m).toBe(win.m);
  const [spanMean, spanMax] = win.kind === '1d' ? [(win.len - 1) / 2, win.len - 1] : [((win.sty - 1) / 2) * w + (win.stx - 1) / 2, (win.sty - 1) * w + win.stx - 1];
  let worst = 0;
  starts.forEach((t0, j) => {
    const pool = win.mode === 'max' ? [t0 + spanMax, -t0] : [t0 + spanMean, -(t0 + spanMean)];
    for (let c = 0; c < 2; c++) {
      const one = c === 0 ? t0 : -t0;
      worst = Math.max(worst, Math.abs(k[2 * j + c] - (one + (pool[c] - one) * win.kBlend)), Math.abs(v[2 * j + c] - (one + (pool[c] - one) * win.vBlend)));
    }
  });
  expect(worst, `${h}×${w} ${JSON.stringify(win)}`).toBeLessThanOrEqual(1e-3); // f32 of indices < 4096
}
