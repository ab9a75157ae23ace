// Named SlothfulAttention presets, drawn from the author's behaviour notes (SPEC_SA.md §6). Each
// is a full SaParams plus one sentence on when to use it; the UI lists them, URL/PNG never store
// a preset name (only the values), so a preset can be retuned without breaking old links.
import { DEFAULT_SA_PARAMS, type SaBlockParams, type SaParams } from '../sa/index.ts';

export type SaPresetId =
  | 'default'
  | 'txt2img-gentle'
  | 'second-pass'
  | 'detail-preserving'
  | 'high-contrast'
  | 'composition-change'
  | 'off';

export interface SaPreset {
  readonly id: SaPresetId;
  readonly label: string;
  /** One sentence: when to use it. */
  readonly description: string;
  readonly params: SaParams;
}

const block = (b: Partial<SaBlockParams>, base: SaBlockParams): SaBlockParams => ({ ...base, ...b });

function preset(id: SaPresetId, label: string, description: string, p: Partial<Omit<SaParams, 'in' | 'out'>> & { in?: Partial<SaBlockParams>; out?: Partial<SaBlockParams> }): SaPreset {
  const params: SaParams = {
    ...DEFAULT_SA_PARAMS,
    ...p,
    in: block(p.in ?? {}, DEFAULT_SA_PARAMS.in),
    out: block(p.out ?? {}, DEFAULT_SA_PARAMS.out),
  };
  return Object.freeze({ id, label, description, params: Object.freeze({ ...params, in: Object.freeze(params.in), out: Object.freeze(params.out) }) });
}

/** In menu order. */
export const SA_PRESETS: readonly SaPreset[] = Object.freeze([
  preset('default', 'Default', 'The spec defaults: a balanced start for txt2img at 512² that acts early and fades out so the plain U-Net repairs details.', {}),
  preset('txt2img-gentle', 'txt2img, gentle',
    'Use when the default changes composition or pose too much: lower strength and more depth decay keep SA out of the deep layers.',
    { in: { strength: 4, depth_decay: 3 }, out: { strength: 3, depth_decay: 3 } }),
  preset('second-pass', 'img2img / second pass',
    'Use for img2img and hires second passes, which start mid-schedule where SA is weak: stronger strength, lower time decay, and lower depth decay since the composition is already fixed.',
    { time_decay: 1, peak_time: 0.5, in: { strength: 10, depth_decay: 1.5 }, out: { strength: 8, depth_decay: 1.5 } }),
  preset('detail-preserving', 'Detail-preserving',
    'Use when details come out blurry or broken: higher time decay and depth decay move the image towards the plain one while keeping some SA early on.',
    { time_decay: 3, in: { depth_decay: 3 }, out: { depth_decay: 3 } }),
  preset('high-contrast', 'High contrast (max)',
    'Use for punchier contrast and saturation: max pooling with a modest, equal K/V blend, since max breaks images at high strength or blend.',
    { in: { strength: 4, mode: '2D_MAX', k_blend: 0.3, v_blend: 0.3 }, out: { strength: 3, mode: '2D_MAX', k_blend: 0.3, v_blend: 0.3 } }),
  preset('composition-change', 'Composition change',
    'Use in txt2img to explore different compositions and poses: low depth decay on the input side lets SA reach the deep input blocks that drive layout.',
    { in: { depth_decay: 0.5 } }),
  preset('off', 'Off (plain attention)', 'Use as the baseline to compare against: every self-attention runs as plain attention.', { enabled: false }),
]);

export const SA_PRESET_IDS: readonly SaPresetId[] = SA_PRESETS.map((p) => p.id);

export function isSaPresetId(x: unknown): x is SaPresetId {
  return typeof x === 'string' && (SA_PRESET_IDS as readonly string[]).includes(x);
}

/** The preset with this id, or undefined for an unknown one. */
export function findSaPreset(id: string): SaPreset | undefined {
  return SA_PRESETS.find((p) => p.id === id);
}

/** Ids of the presets whose values equal `params` exactly (to show "preset: …" in the UI). */
export function matchingSaPresets(params: SaParams): SaPresetId[] {
  return SA_PRESETS.filter((p) => sameSaParams(p.params, params)).map((p) => p.id);
}

function sameSaParams(a: SaParams, b: SaParams): boolean {
  const sameBlock = (x: SaBlockParams, y: SaBlockParams) =>
    x.strength === y.strength && x.depth_decay === y.depth_decay && x.mode === y.mode && x.k_blend === y.k_blend && x.v_blend === y.v_blend;
  return a.enabled === b.enabled && a.time_decay === b.time_decay && a.peak_time === b.peak_time &&
    a.keep_middle === b.keep_middle && sameBlock(a.in, b.in) && sameBlock(a.out, b.out);
}
