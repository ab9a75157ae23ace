// The `compare` slice: one click makes a baseline (SA off, first and hires pass) and an SA image
// (SA on) with the same seed and settings, then measures them: PSNR, SSIM, an absolute-difference
// heat map, and per-stage timings side by side. The first pair for a model, size and pass layout is
// preceded by an untimed warm-up generation, so neither timed run pays the shader compiles.
import type { StateCreator } from 'zustand';
import type { StageTimings } from '../pipeline/engine.ts';
import type { ImageRgba } from '../image/rgba.ts';
import type { ParamSet } from '../params/gen-params.ts';
import { hiresSize } from '../params/request.ts';
import { diffHeatmap, psnr, ssim } from '../image/metrics.ts';
import { selectedModelKey } from './model-choice.ts';
import type { JobOutcome, RunResult } from './run-slice.ts';
import type { AppState } from './store.ts';

export interface CompareMetrics {
  /** dB; Infinity when the images are identical */
  psnr: number;
  ssim: number;
  diff: ImageRgba;
  /** largest per-pixel difference, 0..255 (the heat map's white) */
  maxDiff: number;
}

export interface CompareState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  baseline: RunResult | null;
  sa: RunResult | null;
  metrics: CompareMetrics | null;
  /** why the metrics could not be computed */
  metricsError: string | null;
  /** who paid the shader compiles for this pair (null before a pair runs) */
  warmUp: WarmUp | null;
}

/**
 * 'ran': an untimed warm-up generation (`steps` steps, `ms` engine time) compiled the shaders
 * first; 'earlier': an earlier pair in this page did, for the same model, size and passes.
 */
export type WarmUp = { kind: 'ran'; steps: number; ms: number } | { kind: 'earlier' };

/** Steps of the warm-up: enough for every shader of the model at this size (all steps share them). */
export const WARM_UP_STEPS = 2;

export interface CompareSlice {
  compare: CompareState;
  runCompare: () => Promise<JobOutcome>;
  clearCompare: () => void;
}

export const EMPTY_COMPARE: CompareState = Object.freeze({ status: 'idle', baseline: null, sa: null, metrics: null, metricsError: null, warmUp: null });

/** History labels of a comparison's pair; the caption beside them says SA on/off, so they do not. */
export const COMPARE_LABELS = { baseline: 'Compare: baseline', sa: 'Compare: with SA' } as const;

/** The two parameter sets of a comparison: identical but for SA enabled (both passes). */
export function compareSets(set: ParamSet): { baseline: ParamSet; sa: ParamSet } {
  const withSa = (enabled: boolean): ParamSet => ({
    gen: { ...set.gen, hires: { ...set.gen.hires, sa: { ...set.gen.hires.sa, enabled } } },
    sa: { ...set.sa, enabled },
  });
  return { baseline: withSa(false), sa: withSa(true) };
}

/** The SA run's settings with few steps: compiles what both timed runs use, at their sizes. */
export function warmUpSet(sa: ParamSet): ParamSet {
  const { gen } = sa;
  return { ...sa, gen: { ...gen, steps: Math.min(gen.steps, WARM_UP_STEPS), hires: { ...gen.hires, steps: Math.min(gen.hires.steps, WARM_UP_STEPS) } } };
}

/** What compiled shaders depend on: image and second-pass sizes, the batch (CFG or not), img2img (VAE encoder). */
export function compileKey(set: ParamSet, img2img: boolean): string {
  const { gen } = set;
  const hires = gen.hires.enabled ? hiresSize(gen, gen.hires.scale) : null;
  const batch = gen.guidance > 1 ? 'cfg' : 'no-cfg'; // as sd-pipeline decides (LCM never uses CFG)
  return `${gen.width}x${gen.height}|${hires ? `${hires.width}x${hires.height}` : '-'}|${batch}|${img2img ? 'img2img' : 'txt2img'}`;
}

export function compareMetrics(a: ImageRgba, b: ImageRgba): CompareMetrics {
  const heat = diffHeatmap(a, b);
  return { psnr: psnr(a, b), ssim: ssim(a, b), diff: heat.image, maxDiff: heat.maxDiff };
}

export type TimingKey = Exclude<keyof StageTimings, 'method'>;
export const TIMING_STAGES: readonly { key: TimingKey; label: string }[] = [
  { key: 'text', label: 'Text encoder' },
  { key: 'unetOrt', label: 'U-Net (ORT)' },
  { key: 'saPool', label: 'SA pooling' },
  { key: 'saProject', label: 'SA K/V/Q projections' },
  { key: 'saAttention', label: 'SA attention' },
  { key: 'vae', label: 'VAE decoder' },
  { key: 'total', label: 'Total' },
];

/** SA time ÷ baseline time per stage (NaN where the baseline is 0). */
export function timingRatios(baseline: StageTimings, sa: StageTimings): Record<TimingKey, number> {
  const out = {} as Record<TimingKey, number>;
  for (const { key } of TIMING_STAGES) out[key] = baseline[key] > 0 ? sa[key] / baseline[key] : NaN;
  return out;
}

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set, get) => {
  const patch = (p: Partial<CompareState>) => set((s) => ({ compare: { ...s.compare, ...p } }));
  // Per loaded model (a new load makes new sessions and compiles again): the compile keys done.
  const compiled = new WeakMap<object, Set<string>>();
  const isCompiled = (key: string): boolean => {
    const held = get().loadedModel;
    return Boolean(held && held.key === selectedModelKey(get()) && compiled.get(held.info)?.has(key));
  };
  const markCompiled = (key: string) => {
    const held = get().loadedModel;
    if (!held) return;
    const keys = compiled.get(held.info) ?? new Set<string>();
    compiled.set(held.info, keys.add(key));
  };
  return {
    compare: EMPTY_COMPARE,
    runCompare: async () => {
      const { gen, sa } = get().params;
      const sets = compareSets({ gen, sa });
      const outcome = await get().runJob('compare', async (ctx) => {
        set({ compare: { ...EMPTY_COMPARE, status: 'running' } });
        const key = compileKey(sets.sa, get().initImage !== null);
        if (isCompiled(key)) {
          patch({ warmUp: { kind: 'earlier' } });
        } else {
          const warm = await ctx.generate(warmUpSet(sets.sa), { kind: 'sa', label: 'warm-up', record: false });
          markCompiled(key);
          patch({ warmUp: { kind: 'ran', steps: warm.params.gen.steps, ms: warm.timings.total } });
        }
        const baseline = await ctx.generate(sets.baseline, { kind: 'baseline', label: COMPARE_LABELS.baseline });
        patch({ baseline });
        const withSa = await ctx.generate(sets.sa, { kind: 'sa', label: COMPARE_LABELS.sa });
        patch({ sa: withSa });
        try {
          patch({ metrics: compareMetrics(baseline.image, withSa.image) });
        } catch (e) {
          patch({ metricsError: e instanceof Error ? e.message : String(e) });
        }
      });
      if (outcome !== 'busy') patch({ status: outcome === 'done' ? 'done' : outcome });
      return outcome;
    },
    clearCompare: () => set({ compare: EMPTY_COMPARE }),
  };
};
