// The SA lab's numbers: one run's metrics against its SA-off baseline (same prompt and seed), and
// each observation of lab-plan.ts judged from the runs (paired by prompt and seed). Pure.
import { psnr, ssim, type RgbaImage } from '../image/metrics.ts';
import { centroidShift, colourfulness, edgeEnergy, rmsContrast } from '../image/image-stats.ts';
import { holdsIfText, type LabMetric, type LabSide, type Observation } from './lab-plan.ts';

/** What the toy model's scene reader saw (src/models/toy/scene-check.ts, single-object API). */
export interface SceneSummary {
  colour: string;
  shape: string;
  area: number;
}

export interface RunMetrics {
  ssim: number;
  /** null: identical images (PSNR is +∞) */
  psnr: number | null;
  change: number;
  centroidShift: number;
  edgeEnergy: number;
  edgeChange: number;
  colourfulness: number;
  contrast: number;
  timeMs: number;
  sizeChange?: number;
  objectChanged?: number;
}

/** Metrics of `img` against `base` (its baseline); scene fields only when both were read. */
export function measureRun(img: RgbaImage, base: RgbaImage, timeMs: number, scene?: { run: SceneSummary; base: SceneSummary }): RunMetrics {
  const s = ssim(img, base);
  const p = psnr(img, base);
  const edge = edgeEnergy(img);
  const edgeBase = edgeEnergy(base);
  const m: RunMetrics = {
    ssim: s,
    psnr: Number.isFinite(p) ? p : null,
    change: 1 - s,
    centroidShift: centroidShift(img, base),
    edgeEnergy: edge,
    edgeChange: edgeBase > 0 ? Math.abs(edge - edgeBase) / edgeBase : Math.abs(edge - edgeBase),
    colourfulness: colourfulness(img),
    contrast: rmsContrast(img),
    timeMs,
  };
  if (scene) {
    const { run, base: b } = scene;
    m.sizeChange = b.area > 0 ? Math.abs(Math.sqrt(run.area / b.area) - 1) : run.area > 0 ? 1 : 0;
    m.objectChanged = run.colour !== b.colour || run.shape !== b.shape ? 1 : 0;
  }
  return m;
}

export interface LabRunRecord {
  variant: string;
  prompt: string;
  seed: number;
  metrics: RunMetrics;
}

export type Verdict = 'holds' | 'does not hold' | 'inconclusive';

/**
 * The verdict on paired differences d = a − b: with the predicted sign and the mean beyond 2
 * standard errors ⇒ holds; against it beyond 2 SE ⇒ does not hold; all exactly 0 ⇒ does not hold
 * (no effect at all); else inconclusive. One sample has no noise estimate: its sign decides.
 */
export function verdictOf(diffs: readonly number[], expect: 'higher' | 'lower'): { verdict: Verdict; mean: number; se: number; note: string } {
  const n = diffs.length;
  if (!n) return { verdict: 'inconclusive', mean: NaN, se: NaN, note: 'not measured' };
  const mean = diffs.reduce((s, d) => s + d, 0) / n;
  const se = n > 1 ? Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1) / n) : 0;
  if (diffs.every((d) => d === 0)) return { verdict: 'does not hold', mean, se, note: 'no difference at all (identical values)' };
  const sign = expect === 'higher' ? 1 : -1;
  const beyond = n === 1 || Math.abs(mean) > 2 * se;
  const note = n === 1 ? '1 sample: no noise estimate' : '';
  if (beyond && sign * mean > 0) return { verdict: 'holds', mean, se, note };
  if (beyond && sign * mean < 0) return { verdict: 'does not hold', mean, se, note: note || 'the opposite direction' };
  return { verdict: 'inconclusive', mean, se, note: 'difference within 2 standard errors' };
}

export interface ObservationResult extends Observation {
  holdsIf: string;
  n: number;
  meanA: number;
  meanB: number;
  meanDiff: number;
  se: number;
  verdict: Verdict;
  note: string;
  samples: { prompt: string; seed: number; a: number; b: number }[];
}

/** 1 − SSIM between two variants' images of one prompt and seed (undefined when one is missing). */
export type GapOf = (prompt: string, seed: number, v1: string, v2: string) => number | undefined;

function sideValue(runs: readonly LabRunRecord[], metric: LabMetric | 'gap', side: LabSide, prompt: string, seed: number, gap: GapOf): number | undefined {
  if (typeof side !== 'string') return metric === 'gap' ? gap(prompt, seed, side[0], side[1]) : undefined;
  if (metric === 'gap') return undefined;
  const v = runs.find((r) => r.variant === side && r.prompt === prompt && r.seed === seed)?.metrics[metric];
  return v === null || v === undefined || !Number.isFinite(v) ? undefined : v;
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);

export function evaluateObservations(obs: readonly Observation[], runs: readonly LabRunRecord[], gap: GapOf): ObservationResult[] {
  const pairs = [...new Map(runs.map((r) => [`${r.seed}\u0000${r.prompt}`, { prompt: r.prompt, seed: r.seed }])).values()];
  return obs.map((o) => {
    const samples: ObservationResult['samples'] = [];
    for (const { prompt, seed } of pairs) {
      const a = sideValue(runs, o.metric, o.a, prompt, seed, gap);
      const b = sideValue(runs, o.metric, o.b, prompt, seed, gap);
      if (a !== undefined && b !== undefined) samples.push({ prompt, seed, a, b });
    }
    const v = verdictOf(samples.map((s) => s.a - s.b), o.expect);
    return { ...o, holdsIf: holdsIfText(o), n: samples.length, meanA: mean(samples.map((s) => s.a)), meanB: mean(samples.map((s) => s.b)), meanDiff: v.mean, se: v.se, verdict: v.verdict, note: v.note, samples };
  });
}
