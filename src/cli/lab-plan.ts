// The SA lab's plan as data: the one-at-a-time sweeps from the spec defaults (SPEC_SA §2), the
// special settings the author's claims need, and the table of observations (SPEC_SA §6) — each with
// the claim, the settings it compares, the metric that tests it and the rule "holds if …". The
// report's table is generated from OBSERVATIONS; nothing about a claim lives anywhere else. Pure.
import { DEFAULT_SA_PARAMS, normalizeSaParams, type SaBlockParams, type SaParams } from '../sa/index.ts';

/** A partial SaParams (per side partial too) merged over the defaults. */
export interface SaPatch {
  enabled?: boolean;
  time_decay?: number;
  peak_time?: number;
  keep_middle?: boolean;
  in?: Partial<SaBlockParams>;
  out?: Partial<SaBlockParams>;
}

export interface LabVariant {
  id: string;
  label: string;
  sa: SaParams;
  /** img2img from the same seed's SA-off txt2img image (denoise LAB_IMG2IMG_DENOISE) */
  img2img: boolean;
  /** render even when another variant has the same settings (the determinism check) */
  rerender?: boolean;
}

export const LAB_IMG2IMG_DENOISE = 0.6;

export function applySaPatch(p: SaPatch): SaParams {
  const r = normalizeSaParams({ ...DEFAULT_SA_PARAMS, ...p, in: { ...DEFAULT_SA_PARAMS.in, ...p.in }, out: { ...DEFAULT_SA_PARAMS.out, ...p.out } });
  if (r.notices.length) throw new Error(`Lab plan: SA patch ${JSON.stringify(p)} is not valid: ${r.notices.map((n) => n.message).join('; ')}`);
  return r.params;
}

const both = (b: Partial<SaBlockParams>): SaPatch => ({ in: b, out: b });

/**
 * One parameter swept from the defaults; `quick` are the values `--quick` uses: one value away from
 * the default (the default itself is the other), for the main parameters only — a smoke run.
 */
export interface LabSweep {
  id: string;
  label: string;
  values: readonly (number | string)[];
  quick: readonly (number | string)[];
  /** the value at which `patch` gives the spec defaults (numerically: blend 0 is strided sampling in every mode) */
  atDefault: number;
  patch: (v: number | string) => SaPatch;
}

const n = (v: number | string) => Number(v);

export const SWEEPS: readonly LabSweep[] = [
  { id: 'dd', label: 'depth_decay (in and out linked)', values: [0, 1, 2, 3, 4], quick: [0], atDefault: 2, patch: (v) => both({ depth_decay: n(v) }) },
  { id: 'dd-in', label: 'in.depth_decay', values: [0, 1, 4], quick: [], atDefault: 2, patch: (v) => ({ in: { depth_decay: n(v) } }) },
  { id: 'dd-out', label: 'out.depth_decay', values: [0, 1, 4], quick: [], atDefault: 2, patch: (v) => ({ out: { depth_decay: n(v) } }) },
  { id: 'td', label: 'time_decay', values: [0, 1, 2, 4], quick: [0], atDefault: 2, patch: (v) => ({ time_decay: n(v) }) },
  { id: 'in-s', label: 'in.strength', values: [0, 3, 6, 12, 24], quick: [24], atDefault: 6, patch: (v) => ({ in: { strength: n(v) } }) },
  { id: 'out-s', label: 'out.strength', values: [0, 2, 4, 8, 16], quick: [16], atDefault: 4, patch: (v) => ({ out: { strength: n(v) } }) },
  { id: 'blend-avg', label: 'k_blend = v_blend, 2D_AVG', values: [0, 0.5, 1], quick: [1], atDefault: 0, patch: (v) => both({ k_blend: n(v), v_blend: n(v) }) },
  { id: 'blend-max', label: 'k_blend = v_blend, 2D_MAX', values: [0, 0.5, 1], quick: [1], atDefault: 0, patch: (v) => both({ mode: '2D_MAX', k_blend: n(v), v_blend: n(v) }) },
  { id: 'v-avg', label: 'v_blend alone (k_blend 0), 2D_AVG', values: [0, 0.5, 1], quick: [], atDefault: 0, patch: (v) => both({ v_blend: n(v) }) },
  { id: 'v-max', label: 'v_blend alone (k_blend 0), 2D_MAX', values: [0, 0.5, 1], quick: [], atDefault: 0, patch: (v) => both({ mode: '2D_MAX', v_blend: n(v) }) },
  { id: 'k-avg', label: 'k_blend alone (v_blend 0), 2D_AVG', values: [0.25, 0.5, 1], quick: [], atDefault: 0, patch: (v) => both({ k_blend: n(v) }) },
  { id: 'k-max', label: 'k_blend alone (v_blend 0), 2D_MAX', values: [0.25, 0.5, 1], quick: [], atDefault: 0, patch: (v) => both({ mode: '2D_MAX', k_blend: n(v) }) },
];

export const sweepVariantId = (s: LabSweep, v: number | string) => `${s.id}=${v}`;

/** Settings the claims need beyond the sweeps. */
const SPECIALS: readonly { id: string; label: string; patch: SaPatch; img2img?: boolean; rerender?: boolean; quick?: boolean }[] = [
  { id: 'off', label: 'SA off', patch: { enabled: false }, quick: true },
  { id: 'off-repeat', label: 'SA off, rendered again (must equal off)', patch: { enabled: false }, rerender: true, quick: true },
  { id: 'default', label: 'spec defaults', patch: {}, quick: true },
  { id: 'in-only', label: 'in blocks only (in 8, out 0)', patch: { in: { strength: 8 }, out: { strength: 0 } } },
  { id: 'out-only', label: 'out blocks only (in 0, out 8)', patch: { in: { strength: 0 }, out: { strength: 8 } } },
  { id: 'avg-strong', label: 'strong 2D_AVG (in 24, out 16, blend 1)', patch: { in: { strength: 24, k_blend: 1, v_blend: 1 }, out: { strength: 16, k_blend: 1, v_blend: 1 } } },
  { id: 'max-strong', label: 'strong 2D_MAX (in 24, out 16, blend 1)', patch: { in: { strength: 24, mode: '2D_MAX', k_blend: 1, v_blend: 1 }, out: { strength: 16, mode: '2D_MAX', k_blend: 1, v_blend: 1 } } },
  { id: 'weak', label: 'weak SA (strength 2 both sides)', patch: both({ strength: 2 }) },
  { id: 'i2i-off', label: 'img2img, SA off', patch: { enabled: false }, img2img: true, quick: true },
  { id: 'i2i-default', label: 'img2img, spec defaults', patch: {}, img2img: true, quick: true },
  { id: 'i2i-dd=0', label: 'img2img, depth_decay 0', patch: both({ depth_decay: 0 }), img2img: true },
];

/** Every variant the lab renders per (prompt, seed): specials first (off is the baseline), then the sweeps. */
export function labVariants(quick: boolean): LabVariant[] {
  const out: LabVariant[] = SPECIALS.filter((s) => !quick || s.quick).map((s) => ({ id: s.id, label: s.label, sa: applySaPatch(s.patch), img2img: s.img2img ?? false, rerender: s.rerender }));
  for (const s of SWEEPS) {
    for (const v of quick ? s.quick : s.values) out.push({ id: sweepVariantId(s, v), label: `${s.label} = ${v}`, sa: applySaPatch(s.patch(v)), img2img: false });
  }
  return out;
}

/** The variant a run's "vs SA off" metrics compare against. */
export const baselineOf = (v: Pick<LabVariant, 'img2img'>) => (v.img2img ? 'i2i-off' : 'off');

/** Per-run metrics (see lab-measure.ts); "vs" metrics compare with the run's baseline. */
export type LabMetric =
  | 'change' // 1 − SSIM vs baseline
  | 'psnr'
  | 'centroidShift' // px
  | 'edgeEnergy'
  | 'edgeChange' // |edge − edge_baseline| / edge_baseline
  | 'colourfulness'
  | 'contrast'
  | 'timeMs'
  | 'sizeChange' // toy: |√area / √area_baseline − 1|
  | 'objectChanged'; // toy: colour or shape read differently from the baseline (0/1)

export const METRIC_LABELS: Readonly<Record<LabMetric, string>> = {
  change: '1 − SSIM vs SA off',
  psnr: 'PSNR vs SA off (dB)',
  centroidShift: 'content centroid shift vs SA off (px)',
  edgeEnergy: 'edge energy (mean |∇Y|)',
  edgeChange: '|Δ edge energy| / edge energy of SA off',
  colourfulness: 'colourfulness (Hasler–Süsstrunk)',
  contrast: 'RMS contrast',
  timeMs: 'generation time (ms)',
  sizeChange: 'toy: object size change vs SA off',
  objectChanged: 'toy: object colour/shape read differently',
};

/** A variant's per-run metric, or the difference (1 − SSIM) between two variants' images. */
export type LabSide = string | readonly [string, string];

export interface Observation {
  id: string;
  /** the author's claim, close to SPEC_SA §6's words */
  claim: string;
  /** where in SPEC_SA §6 (bullet number) */
  cite: string;
  /** 'gap': 1 − SSIM between the two variants of each side */
  metric: LabMetric | 'gap';
  a: LabSide;
  b: LabSide;
  /** the claim predicts a's value is higher / lower than b's */
  expect: 'higher' | 'lower';
}

export const OBSERVATIONS: readonly Observation[] = [
  { id: 'dd-composition', cite: '§6 bullet 1', claim: 'In txt2img SA changes composition and pose; raising depth_decay reduces that.', metric: 'centroidShift', a: 'dd=4', b: 'dd=0', expect: 'lower' },
  { id: 'i2i-low-dd', cite: '§6 bullet 1', claim: 'In img2img the composition is fixed, so lower depth_decay is tolerated.', metric: 'centroidShift', a: 'i2i-dd=0', b: 'dd=0', expect: 'lower' },
  { id: 'td0-breaks', cite: '§6 bullet 2', claim: 'With time_decay = 0 details tend to break.', metric: 'change', a: 'td=0', b: 'default', expect: 'higher' },
  { id: 'td-up-plain', cite: '§6 bullet 2', claim: 'Raising time_decay moves the image towards the plain one.', metric: 'change', a: 'td=4', b: 'default', expect: 'lower' },
  { id: 'i2i-weaker', cite: '§6 bullet 3', claim: 'img2img starts mid-schedule, so SA is weak there.', metric: 'change', a: 'i2i-default', b: 'default', expect: 'lower' },
  { id: 'in-composition', cite: '§6 bullet 4', claim: 'Input blocks decide what a region is; deep input blocks drive composition.', metric: 'centroidShift', a: 'in-only', b: 'out-only', expect: 'higher' },
  { id: 'out-drawing', cite: '§6 bullet 4', claim: 'Output blocks decide how it is drawn; SA shows strongly there.', metric: 'edgeChange', a: 'out-only', b: 'in-only', expect: 'higher' },
  { id: 'blend0-least-avg', cite: '§6 bullet 5', claim: 'blend 0 (strided samples only) changes the image least (vs avg blend 1).', metric: 'change', a: 'default', b: 'blend-avg=1', expect: 'lower' },
  { id: 'blend0-least-max', cite: '§6 bullet 5', claim: 'blend 0 (strided samples only) changes the image least (vs max blend 1).', metric: 'change', a: 'default', b: 'blend-max=1', expect: 'lower' },
  { id: 'avg-v-soft', cite: '§6 bullet 5', claim: 'Avg as V gives softer output.', metric: 'edgeEnergy', a: 'v-avg=1', b: 'default', expect: 'lower' },
  { id: 'max-v-contrast', cite: '§6 bullet 5', claim: 'Max as V raises contrast.', metric: 'contrast', a: 'v-max=1', b: 'default', expect: 'higher' },
  { id: 'max-v-saturation', cite: '§6 bullet 5', claim: 'Max as V raises saturation.', metric: 'colourfulness', a: 'v-max=1', b: 'default', expect: 'higher' },
  { id: 'max-breaks-strong', cite: '§6 bullet 5', claim: 'Max breaks at high strength/blend (more change than avg at the same settings).', metric: 'change', a: 'max-strong', b: 'avg-strong', expect: 'higher' },
  { id: 'k-modes-close-low', cite: '§6 bullet 5', claim: 'For K, avg and max differ little at low blend (less than at blend 1).', metric: 'gap', a: ['k-avg=0.25', 'k-max=0.25'], b: ['k-avg=1', 'k-max=1'], expect: 'lower' },
  { id: 'k-max-high-breaks', cite: '§6 bullet 5', claim: 'Max with high k_blend breaks easily.', metric: 'change', a: 'k-max=1', b: 'k-avg=1', expect: 'higher' },
  { id: 'kv-apart-k1', cite: '§6 bullet 5', claim: 'Very different k_blend and v_blend break images (k 1, v 0 vs k = v = 0.5).', metric: 'change', a: 'k-avg=1', b: 'blend-avg=0.5', expect: 'higher' },
  { id: 'kv-apart-v1', cite: '§6 bullet 5', claim: 'Very different k_blend and v_blend break images (k 0, v 1 vs k = v = 0.5).', metric: 'change', a: 'v-avg=1', b: 'blend-avg=0.5', expect: 'higher' },
  { id: 'weak-slower', cite: '§6 bullet 6', claim: 'Weak SA can even be slower than plain attention.', metric: 'timeMs', a: 'weak', b: 'off', expect: 'higher' },
];

export function sideLabel(s: LabSide): string {
  return typeof s === 'string' ? s : `(${s[0]} vs ${s[1]})`;
}

/** "holds if …", generated from the observation. */
export function holdsIfText(o: Observation): string {
  const m = o.metric === 'gap' ? '1 − SSIM between the pair' : METRIC_LABELS[o.metric];
  return `${m}: ${sideLabel(o.a)} ${o.expect === 'higher' ? '>' : '<'} ${sideLabel(o.b)}, paired over prompts × seeds, mean beyond 2 standard errors`;
}
