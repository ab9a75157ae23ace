// The SA schedule (SPEC_SA.md §3): for one self-attention site at one model timestep, the K/V
// pooling window, and for a whole generation the sites × steps table that drives both the
// pipeline and the heatmap. Pure: no GPU, no model.
import type { PoolMode, SaBlockParams, SaParams } from './params.ts';

/** One attn1 site of the U-Net. `level` 0 = full latent resolution; `channels` = C of its tokens. */
export interface SaSite {
  readonly name: string;
  readonly side: 'in' | 'mid' | 'out';
  readonly level: number;
  readonly channels: number;
}

/**
 * Why a site runs plain attention at a step: SA disabled; mid block kept; stride s ≤ 1; or the
 * window clipped to 1×1 (len 1) on a tiny grid, where pooling is the identity and M = N.
 */
export type SaInactiveReason = 'disabled' | 'keep_middle' | 'weak' | 'unit_window';

export type SaWindow =
  | { readonly active: false; readonly reason: SaInactiveReason; readonly s: number }
  | {
      readonly active: true;
      readonly kind: '2d';
      readonly mode: 'avg' | 'max';
      /** window rows × columns (= the stride) */
      readonly sty: number;
      readonly stx: number;
      /** pooled grid: ho = floor(h / sty), wo = floor(w / stx); ragged edges dropped */
      readonly ho: number;
      readonly wo: number;
      /** K/V tokens after pooling, ho·wo */
      readonly m: number;
      readonly kBlend: number;
      readonly vBlend: number;
      readonly s: number;
    }
  | {
      readonly active: true;
      readonly kind: '1d';
      readonly mode: 'avg' | 'max';
      /** window length over the flat raster order */
      readonly len: number;
      /** K/V tokens after pooling, floor(N / len) */
      readonly m: number;
      readonly kBlend: number;
      readonly vBlend: number;
      readonly s: number;
    };

export type SaActiveWindow = Extract<SaWindow, { active: true }>;

export interface SaSiteContext {
  /**
   * C of the first level that has self-attention (SPEC_SA §3, §5a: 320 for SD 1.x/2.x, 640 for
   * SDXL, whose first level has none); depth = C_site / baseChannels
   */
  readonly baseChannels: number;
  /** the site's token grid, N = h·w */
  readonly h: number;
  readonly w: number;
}

/** Thrown for inputs that only a caller bug can produce (user parameters never throw). */
export class SaScheduleError extends Error {
  override name = 'SaScheduleError';
}

function requirePositiveInt(what: string, x: number): void {
  if (!Number.isInteger(x) || x < 1) throw new SaScheduleError(`${what} must be a positive integer, got ${x}.`);
}

/** The site's grid at `level`: halve H0 and W0 with ceiling `level` times (stride-2, pad-1 convs). */
export function siteGrid(latentH: number, latentW: number, level: number): { h: number; w: number } {
  requirePositiveInt('latent height', latentH);
  requirePositiveInt('latent width', latentW);
  if (!Number.isInteger(level) || level < 0) throw new SaScheduleError(`level must be an integer ≥ 0, got ${level}.`);
  let h = latentH;
  let w = latentW;
  for (let i = 0; i < level; i++) {
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
  }
  return { h, w };
}

/** time = clip(1 − t/1000, 0, 1): 0 at the first step of a full schedule. */
export function progressAt(timestep: number): number {
  if (Number.isNaN(timestep)) throw new SaScheduleError('timestep is NaN — check the scheduler.');
  return Math.min(1, Math.max(0, 1 - timestep / 1000));
}

/** exp(−(time − peak_time)² · time_decay²), or 1 when time_decay = 0. */
export function timeRatio(timestep: number, params: Pick<SaParams, 'time_decay' | 'peak_time'>): number {
  const time = progressAt(timestep);
  if (params.time_decay <= 0) return 1;
  const d = (time - params.peak_time) * params.time_decay;
  return Math.exp(-d * d);
}

/** The parameter set a site uses, or why it has none (mid with keep_middle, SA disabled). */
export function blockParamsFor(site: SaSite, params: SaParams): SaBlockParams | SaInactiveReason {
  if (!params.enabled) return 'disabled';
  if (site.side === 'out') return params.out;
  if (site.side === 'mid' && params.keep_middle) return 'keep_middle';
  return params.in;
}

/** depth = C_site / C_first_attention_level (SD 1.x and 2.x: 1, 2, 4; mid 4. SDXL: 1, 2; mid 2), whatever the head count. */
export function siteDepth(site: SaSite, baseChannels: number): number {
  requirePositiveInt(`channels of site ${site.name}`, site.channels);
  if (!(baseChannels > 0)) throw new SaScheduleError(`baseChannels must be > 0, got ${baseChannels}.`);
  return site.channels / baseChannels;
}

/** s = strength · time_ratio · (1/depth)^depth_decay, in area units. */
export function strideStrength(site: SaSite, timestep: number, block: SaBlockParams, params: SaParams, baseChannels: number): number {
  const depthRatio = Math.pow(1 / siteDepth(site, baseChannels), block.depth_decay);
  return block.strength * timeRatio(timestep, params) * depthRatio;
}

/**
 * The window for stride s on an h×w grid (SPEC_SA.md §3):
 * 2D: sty = clip(⌈√s⌉, 1, h), stx = clip(⌈s / sty⌉, 1, w) (with the clipped sty);
 * 1D: len = clip(⌈s⌉, 1, N). s ≤ 1 or a 1×1 / len-1 window ⇒ inactive.
 */
export function windowForStride(s: number, mode: PoolMode, h: number, w: number, kBlend: number, vBlend: number): SaWindow {
  requirePositiveInt('grid height h', h);
  requirePositiveInt('grid width w', w);
  if (Number.isNaN(s)) throw new SaScheduleError('stride s is NaN.');
  if (s <= 1) return { active: false, reason: 'weak', s };
  const pool = mode.endsWith('MAX') ? 'max' : 'avg';
  if (mode.startsWith('1D')) {
    const n = h * w;
    const len = clip(Math.ceil(s), 1, n);
    if (len === 1) return { active: false, reason: 'unit_window', s };
    return { active: true, kind: '1d', mode: pool, len, m: Math.floor(n / len), kBlend, vBlend, s };
  }
  const sty = clip(Math.ceil(Math.sqrt(s)), 1, h);
  const stx = clip(Math.ceil(s / sty), 1, w);
  if (sty === 1 && stx === 1) return { active: false, reason: 'unit_window', s };
  const ho = Math.floor(h / sty);
  const wo = Math.floor(w / stx);
  return { active: true, kind: '2d', mode: pool, sty, stx, ho, wo, m: ho * wo, kBlend, vBlend, s };
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** The K/V window of one site at one model timestep t (0..999, fractional allowed). */
export function strideAt(site: SaSite, timestep: number, params: SaParams, ctx: SaSiteContext): SaWindow {
  const block = blockParamsFor(site, params);
  if (typeof block === 'string') {
    progressAt(timestep); // still reject a NaN timestep
    return { active: false, reason: block, s: 0 };
  }
  const s = strideStrength(site, timestep, block, params, ctx.baseChannels);
  return windowForStride(s, block.mode, ctx.h, ctx.w, block.k_blend, block.v_blend);
}

export interface SaPlan {
  readonly sites: readonly SaSite[];
  readonly timesteps: readonly number[];
  /** each site's token grid, same order as `sites` */
  readonly grids: readonly { readonly h: number; readonly w: number }[];
  readonly baseChannels: number;
  /** cells[site][step] */
  readonly cells: readonly (readonly SaWindow[])[];
}

/**
 * The full sites × steps table for one generation. `baseChannels` defaults to the smallest
 * channel count among the sites: channels grow with depth, and only levels with self-attention
 * have sites, so that is the first level that HAS self-attention (SPEC_SA §5a: 640 for SDXL).
 */
export function planGeneration(
  sites: readonly SaSite[],
  timesteps: readonly number[],
  params: SaParams,
  latent: { readonly h: number; readonly w: number },
  baseChannels: number = sites.length ? Math.min(...sites.map((s) => s.channels)) : 1,
): SaPlan {
  const grids = sites.map((site) => siteGrid(latent.h, latent.w, site.level));
  const cells = sites.map((site, i) =>
    timesteps.map((t) => strideAt(site, t, params, { baseChannels, h: grids[i].h, w: grids[i].w })),
  );
  return { sites, timesteps, grids, baseChannels, cells };
}

/** Compact heatmap label: '—' (plain attention), '3×2' (sty×stx), '1D·4'. */
export function windowLabel(w: SaWindow): string {
  if (!w.active) return '—';
  return w.kind === '2d' ? `${w.sty}×${w.stx}` : `1D·${w.len}`;
}
