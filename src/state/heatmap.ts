// The stride heatmap's data: for the current SA settings, every attn1 site (in execution order:
// in → mid → out, by level) × every sampler step, the K/V window from src/sa's planGeneration.
// Sites are the selected model's: the loaded model's own, else the catalog's layout of it (its
// unet/config.json, known before loading), else SD 1.x/2.x's 16 sites, marked as assumed (a custom
// URL or local folder before it is loaded). Timesteps are the shown result's when it was made with
// the same schedule (what the engine ran), else the `timestepsFor` port's (the app's schedulers on
// SD's default config), else `previewTimesteps`, a pure copy of the SD 1.x/2.x default spacings
// (diffusers: Euler linspace, DDIM leading + offset 1, DPM++ 2M Karras σ ramp, LCM picks from its
// 50-step distillation schedule). Grids are written rows × columns (h×w) everywhere.
import { TRAINING_SIGMAS, planGeneration, sdUnetSites, sigmaToTimestep, windowLabel, type SaParams, type SaSite, type SaWindow } from '../sa/index.ts';
import type { GenParams } from '../params/gen-params.ts';
import { hiresSize, type SchedulerName } from '../params/request.ts';
import { selectedModelKey } from './model-choice.ts';
import type { RunResult } from './run-slice.ts';
import type { AppState } from './store.ts';

export type HeatmapPass = 'first' | 'hires';
/** 'schedule': the app's scheduler code on SD's default config (the `timestepsFor` port) */
export type TimestepSource = 'schedule' | 'result' | 'preview';
/** where the site layout comes from: the loaded model, the catalog (before loading), or assumed (SD 1.x/2.x) */
export type SiteSource = 'model' | 'catalog' | 'assumed';

export interface HeatmapCell {
  label: string;
  active: boolean;
  /** stride in area units (0 for a site SA does not touch) */
  s: number;
  /** N / M: how many times fewer K/V tokens than queries (1 = plain attention) */
  reduction: number;
}

export interface HeatmapRow {
  site: SaSite;
  /** short name, e.g. 'in L1 · 1.0' */
  short: string;
  grid: { h: number; w: number };
  cells: HeatmapCell[];
}

export interface Heatmap {
  pass: HeatmapPass;
  timesteps: number[];
  source: TimestepSource;
  sitesFrom: SiteSource;
  latent: { h: number; w: number };
  rows: HeatmapRow[];
}

/** A token grid as the heatmap writes it: rows × columns. */
export function gridLabel(g: { h: number; w: number }): string {
  return `${g.h}×${g.w}`;
}

const numpyLinspace = (a: number, b: number, n: number, endpoint = true) =>
  Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (endpoint ? n - 1 : n)));

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** First-pass model timesteps for SD 1.x/2.x default scheduler configs; `strength` < 1: img2img. */
export function previewTimesteps(scheduler: SchedulerName, steps: number, strength = 1): number[] {
  const T = 1000;
  if (scheduler === 'lcm') {
    const count = Math.trunc(50 * strength);
    const k = T / 50;
    const origin = Array.from({ length: count }, (_, i) => (count - i) * k - 1);
    return numpyLinspace(0, count, Math.min(steps, count), false).map((x) => origin[Math.floor(x)]);
  }
  let all: number[];
  if (scheduler === 'ddim') {
    const ratio = Math.floor(T / steps);
    all = Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + 1);
  } else if (scheduler === 'dpmpp-2m-karras') {
    const rho = 7;
    const minInv = TRAINING_SIGMAS[0] ** (1 / rho);
    const maxInv = TRAINING_SIGMAS[T - 1] ** (1 / rho);
    all = numpyLinspace(0, 1, steps).map((r) => roundHalfEven(sigmaToTimestep((maxInv + r * (minInv - maxInv)) ** rho)));
  } else {
    all = numpyLinspace(0, T - 1, steps).map(Math.fround).reverse();
  }
  const run = Math.max(1, Math.min(steps, Math.trunc(steps * strength)));
  return all.slice(steps - run);
}

/** 'down_blocks.1.attentions.0.transformer_blocks.0.attn1' → 'in L1 · 1.0'. */
export function shortSiteName(site: SaSite): string {
  const m = /(down|up)_blocks\.(\d+)\.attentions\.(\d+)/.exec(site.name);
  if (m) return `${site.side} L${site.level} · ${m[2]}.${m[3]}`;
  if (site.side === 'mid') return `mid L${site.level}`;
  return `${site.side} L${site.level} · ${site.name}`;
}

function cellOf(w: SaWindow, n: number): HeatmapCell {
  return { label: windowLabel(w), active: w.active, s: w.s, reduction: w.active ? n / w.m : 1 };
}

export function buildHeatmap(
  pass: HeatmapPass, sa: SaParams, sites: readonly SaSite[], timesteps: number[], source: TimestepSource, latent: { h: number; w: number }, sitesFrom: SiteSource = 'model',
): Heatmap {
  const plan = planGeneration(sites, timesteps, sa, latent);
  const rows = sites.map((site, i) => {
    const grid = plan.grids[i];
    return { site, short: shortSiteName(site), grid, cells: plan.cells[i].map((w) => cellOf(w, grid.h * grid.w)) };
  });
  return { pass, timesteps, source, sitesFrom, latent, rows };
}

function sameSchedule(r: RunResult | undefined, gen: GenParams, strength: number): boolean {
  if (!r) return false;
  const g = r.params.gen;
  const rStrength = r.img2img ? g.denoise : 1;
  return g.scheduler === gen.scheduler && g.steps === gen.steps && rStrength === strength && r.timesteps.length > 0;
}

type HeatmapInputs = Pick<AppState, 'params' | 'model' | 'initImage' | 'history' | 'timestepsFor' | 'customBase' | 'catalog' | 'localFolder'>;

/** The selected model's attn1 sites: the loaded model's, the catalog's layout, or SD's (assumed). */
export function heatmapSites(s: HeatmapInputs): { sites: readonly SaSite[]; from: SiteSource; vaeScale: number } {
  const ready = s.model.kind === 'ready' && s.model.key === selectedModelKey(s) ? s.model.info : undefined;
  if (ready?.sites.length) return { sites: ready.sites, from: 'model', vaeScale: ready.vaeScale };
  const layout = s.catalog.entries.find((e) => e.id === s.params.gen.model)?.unet;
  return layout ? { sites: sdUnetSites(layout), from: 'catalog', vaeScale: 8 } : { sites: sdUnetSites(), from: 'assumed', vaeScale: 8 };
}

/** The scheduler's timesteps; none (an empty heatmap) where it refuses the settings, e.g. img2img with
 * steps × denoise < 1: Generate says why, and the page must not crash while rendering. */
function scheduleTimesteps(port: NonNullable<HeatmapInputs['timestepsFor']>, scheduler: SchedulerName, steps: number, strength: number): number[] {
  try {
    return port(scheduler, steps, Math.max(strength, 1e-3));
  } catch {
    return [];
  }
}

/** The heatmap for the current parameters, model and pass. */
export function heatmapFor(s: HeatmapInputs, pass: HeatmapPass = 'first', shown?: RunResult): Heatmap {
  const { gen } = s.params;
  const hires = pass === 'hires';
  const steps = hires ? gen.hires.steps : gen.steps;
  const strength = hires ? gen.hires.denoise : s.initImage ? gen.denoise : 1;
  const sa = hires ? gen.hires.sa : s.params.sa;
  const { sites, from, vaeScale } = heatmapSites(s);
  const size = hires ? hiresSize(gen, gen.hires.scale) : gen;
  const latent = { h: Math.max(1, Math.round(size.height / vaeScale)), w: Math.max(1, Math.round(size.width / vaeScale)) };
  let timesteps: number[];
  let source: TimestepSource;
  if (!hires && sameSchedule(shown, gen, strength)) {
    timesteps = shown!.timesteps;
    source = 'result';
  } else if (s.timestepsFor) {
    timesteps = scheduleTimesteps(s.timestepsFor, gen.scheduler, steps, strength);
    source = 'schedule';
  } else {
    timesteps = strength > 0 ? previewTimesteps(gen.scheduler, steps, strength) : [];
    source = 'preview';
  }
  return buildHeatmap(pass, sa, sites, timesteps, source, latent, from);
}
