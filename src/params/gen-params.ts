// Generation parameters (everything but the first pass's SA): the one definition of their shape,
// defaults, ranges, labels and tooltips, for the UI, URL presets and PNG metadata alike.
// `normalizeGenParams` reads untrusted input (a link, a dropped PNG) without ever throwing: bad
// values are clamped, rounded or replaced, each with a Notice (the same type as src/sa).
import { normalizeSaParams, type Notice, type SaParams } from '../sa/index.ts';
import type { ImageRgba } from '../image/rgba.ts';
import { SCHEDULER_NAMES, type GenerateRequest, type SchedulerName } from './request.ts';
import { findSaPreset } from './sa-presets.ts';
import { EMBEDDED_DEFAULTS, EMBEDDED_MODEL_ID } from './model-defaults.ts';

export type { Notice };

export interface HiresParams {
  readonly enabled: boolean;
  /** upscale factor of the second pass, 1..2 */
  readonly scale: number;
  /** fraction of the schedule the second pass runs, 0..1 */
  readonly denoise: number;
  readonly steps: number;
  /** the second pass's own SA settings */
  readonly sa: SaParams;
}

export interface GenParams {
  /** registry id (or 'custom') */
  readonly model: string;
  readonly prompt: string;
  readonly negativePrompt: string;
  /** integer 0..2^32−1 */
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  /** pixels, 64..2048, multiple of 8 */
  readonly width: number;
  readonly height: number;
  readonly scheduler: SchedulerName;
  /** img2img denoise strength: the fraction of the schedule run from the init image */
  readonly denoise: number;
  readonly hires: HiresParams;
}

/** Everything one image needs: generation parameters and the first pass's SA. */
export interface ParamSet {
  readonly gen: GenParams;
  readonly sa: SaParams;
}

/** Labels in the order menus show them; a Record so a new SchedulerName fails to typecheck here. */
export const SCHEDULER_LABELS: Readonly<Record<SchedulerName, string>> = Object.freeze({
  euler: 'Euler',
  'euler-ancestral': 'Euler a',
  ddim: 'DDIM',
  'dpmpp-2m-karras': 'DPM++ 2M Karras',
  lcm: 'LCM',
});

export const MAX_PROMPT_CHARS = 2000;
export const MAX_SEED = 2 ** 32 - 1;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const SECOND_PASS_SA = findSaPreset('second-pass')!.params;

/** The form starts on the embedded model with its own defaults (size, steps, guidance, sampler). */
export const DEFAULT_GEN_PARAMS: GenParams = Object.freeze({
  model: EMBEDDED_MODEL_ID,
  prompt: 'a red circle on a white background',
  negativePrompt: '',
  seed: 1,
  ...EMBEDDED_DEFAULTS,
  denoise: 0.75,
  hires: Object.freeze({ enabled: false, scale: 1.5, denoise: 0.5, steps: 10, sa: SECOND_PASS_SA }),
});

export type GenNumberPath = 'seed' | 'steps' | 'guidance' | 'width' | 'height' | 'denoise' | 'hires.scale' | 'hires.denoise' | 'hires.steps';
export type GenTextPath = 'model' | 'prompt' | 'negativePrompt';
export type GenParamPath = GenNumberPath | GenTextPath | 'scheduler' | 'hires.enabled';

export type GenParamValue<P extends GenParamPath> = P extends GenNumberPath
  ? number
  : P extends GenTextPath
    ? string
    : P extends 'scheduler'
      ? SchedulerName
      : boolean;

export type GenParamSpec =
  | { kind: 'number'; path: GenNumberPath; label: string; min: number; max: number; step: number; integer: boolean; multipleOf?: number; default: number; tooltip: string }
  | { kind: 'text'; path: GenTextPath; label: string; maxLength: number; default: string; tooltip: string }
  | { kind: 'enum'; path: 'scheduler'; label: string; options: readonly SchedulerName[]; default: SchedulerName; tooltip: string }
  | { kind: 'boolean'; path: 'hires.enabled'; label: string; default: boolean; tooltip: string };

const D = DEFAULT_GEN_PARAMS;
const num = (path: GenNumberPath, label: string, min: number, max: number, step: number, tooltip: string, extra: { integer?: boolean; multipleOf?: number } = {}): GenParamSpec =>
  ({ kind: 'number', path, label, min, max, step, integer: extra.integer ?? false, multipleOf: extra.multipleOf, default: getGenParam(D, path), tooltip });

/** Every generation parameter (hires SA excepted: see SA_PARAM_SPECS), in URL/form order. */
export const GEN_PARAM_SPECS: readonly GenParamSpec[] = Object.freeze([
  { kind: 'text', path: 'model', label: 'Model', maxLength: 64, default: D.model, tooltip: 'Which pipeline to load: a registry id such as "tiny" (letters, digits, ".", "_", "-").' },
  { kind: 'text', path: 'prompt', label: 'Prompt', maxLength: MAX_PROMPT_CHARS, default: D.prompt, tooltip: 'What to draw.' },
  { kind: 'text', path: 'negativePrompt', label: 'Negative prompt', maxLength: MAX_PROMPT_CHARS, default: D.negativePrompt, tooltip: 'What to steer away from (classifier-free guidance pushes away from it).' },
  num('seed', 'Seed', 0, MAX_SEED, 1, 'Starting noise: the same seed and settings give the same image.', { integer: true }),
  num('steps', 'Steps', 1, 150, 1, 'Sampler steps. More is slower; most schedulers settle by 20–30, LCM by 4–8, turbo models in 1.', { integer: true }),
  num('guidance', 'Guidance (CFG)', 0, 30, 0.5, 'How strongly the prompt steers the image; 0–1 turns classifier-free guidance off (turbo and LCM models want it low).'),
  num('width', 'Width', 64, 2048, 8, 'Pixels; a multiple of 8 (the VAE scale). Large sizes need much GPU memory.', { integer: true, multipleOf: 8 }),
  num('height', 'Height', 64, 2048, 8, 'Pixels; a multiple of 8 (the VAE scale). Large sizes need much GPU memory.', { integer: true, multipleOf: 8 }),
  { kind: 'enum', path: 'scheduler', label: 'Sampler', options: SCHEDULER_NAMES, default: D.scheduler, tooltip: 'The noise schedule and solver. SA follows the model timestep of each step, whatever the sampler.' },
  num('denoise', 'Denoise (img2img)', 0, 1, 0.01, 'img2img only: the fraction of the schedule run from the init image. Low keeps the image; SA is weak when it starts mid-schedule, so raise SA strength or lower time decay.'),
  { kind: 'boolean', path: 'hires.enabled', label: 'Hires second pass', default: D.hires.enabled, tooltip: 'Upscale the first image and sample it again (img2img) at the larger size, with its own SA settings.' },
  num('hires.scale', 'Hires scale', 1, 2, 0.05, 'Upscale factor of the second pass; the result is rounded to a multiple of 8.'),
  num('hires.denoise', 'Hires denoise', 0, 1, 0.01, 'Fraction of the schedule the second pass runs.'),
  num('hires.steps', 'Hires steps', 1, 150, 1, 'Sampler steps of the second pass.', { integer: true }),
] satisfies GenParamSpec[]);

export function genParamSpec(path: GenParamPath): GenParamSpec {
  const spec = GEN_PARAM_SPECS.find((s) => s.path === path);
  if (!spec) throw new Error(`No generation parameter "${path}"; see GEN_PARAM_SPECS for the list.`);
  return spec;
}

export function getGenParam<P extends GenParamPath>(params: GenParams, path: P): GenParamValue<P> {
  const [head, key] = path.split('.') as [string, string | undefined];
  const holder = (key === undefined ? params : params.hires) as unknown as Record<string, unknown>;
  return holder[key ?? head] as GenParamValue<P>;
}

/** A copy of `params` with one value replaced (no range check: see `normalizeGenParams`). */
export function setGenParam<P extends GenParamPath>(params: GenParams, path: P, value: GenParamValue<P>): GenParams {
  const [head, key] = path.split('.') as [string, string | undefined];
  if (key === undefined) return { ...params, [head]: value };
  return { ...params, hires: { ...params.hires, [key]: value } };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A short description of a given value for messages (long strings are cut). */
export function describeValue(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  return Array.isArray(x) ? 'an array' : `a ${typeof x}`;
}

/** Keeps notices small: long given strings are cut to 200 characters. */
export function shortGiven(x: unknown): unknown {
  return typeof x === 'string' && x.length > 200 ? `${x.slice(0, 200)}…` : x;
}

// C0 controls except tab and newline, DEL, and lone UTF-16 surrogates.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Prompt text as stored: no control characters but \t and \n, well-formed, ≤ max code points. */
export function cleanText(s: string, maxChars: number): { text: string; why: string[] } {
  const why: string[] = [];
  let text = s.replace(/\r\n?/g, '\n');
  const noCtl = text.replace(CONTROL, '');
  if (noCtl !== text) why.push('control characters removed');
  text = noCtl.replace(LONE_SURROGATE, '\uFFFD');
  if (text !== noCtl) why.push('unpaired surrogates replaced');
  const points = Array.from(text);
  if (points.length > maxChars) {
    text = points.slice(0, maxChars).join('');
    why.push(`cut to ${maxChars} characters (was ${points.length})`);
  }
  if (s.includes('\r') && !why.length) why.push('line endings changed to \\n');
  return { text, why };
}

type SpecOf<K extends GenParamSpec['kind']> = Extract<GenParamSpec, { kind: K }>;

function readText(spec: SpecOf<'text'>, given: unknown, notices: Notice[]): string {
  const fallback = (why: string) => {
    notices.push({ path: spec.path, message: `${spec.path}: ${why}; using the default ${describeValue(spec.default)}`, given: shortGiven(given), used: spec.default });
    return spec.default;
  };
  if (typeof given !== 'string') return fallback(`expected text, got ${describeValue(given)}`);
  if (spec.path === 'model') return MODEL_ID.test(given) ? given : fallback(`${describeValue(given)} is not a model id (letters, digits, ".", "_", "-"; at most 64)`);
  const { text, why } = cleanText(given, spec.maxLength);
  if (why.length) notices.push({ path: spec.path, message: `${spec.path}: ${why.join(', ')}`, given: shortGiven(given), used: shortGiven(text) });
  return text;
}

function readNumber(spec: SpecOf<'number'>, given: unknown, notices: Notice[]): number {
  const note = (message: string, used: unknown) => notices.push({ path: spec.path, message: `${spec.path}: ${message}`, given: shortGiven(given), used });
  if (typeof given !== 'number' || Number.isNaN(given)) {
    note(`expected a number, got ${Number.isNaN(given) ? 'NaN' : describeValue(given)}; using the default ${spec.default}`, spec.default);
    return spec.default;
  }
  let used = Math.min(spec.max, Math.max(spec.min, given)) + 0; // + 0: no −0
  if (used !== given) note(`${given} is ${given > spec.max ? `above the maximum ${spec.max}` : `below the minimum ${spec.min}`}; using ${used}`, used);
  const unit = spec.multipleOf ?? (spec.integer ? 1 : 0);
  if (unit && used % unit !== 0) {
    const rounded = Math.round(used / unit) * unit;
    note(`${used} is not ${unit === 1 ? 'a whole number' : `a multiple of ${unit}`}; using ${rounded}`, rounded);
    used = rounded;
  }
  return used;
}

function readEnum(spec: SpecOf<'enum'>, given: unknown, notices: Notice[]): string {
  if ((spec.options as readonly unknown[]).includes(given)) return given as string;
  notices.push({ path: spec.path, message: `${spec.path}: expected one of ${spec.options.join(', ')}, got ${describeValue(given)}; using the default ${spec.default}`, given: shortGiven(given), used: spec.default });
  return spec.default;
}

function readBoolean(spec: SpecOf<'boolean'>, given: unknown, notices: Notice[]): boolean {
  if (typeof given === 'boolean') return given;
  notices.push({ path: spec.path, message: `${spec.path}: expected true or false, got ${describeValue(given)}; using the default ${spec.default}`, given: shortGiven(given), used: spec.default });
  return spec.default;
}

function readValue(spec: GenParamSpec, given: unknown, notices: Notice[]): unknown {
  switch (spec.kind) {
    case 'text': return readText(spec, given, notices);
    case 'number': return readNumber(spec, given, notices);
    case 'enum': return readEnum(spec, given, notices);
    case 'boolean': return readBoolean(spec, given, notices);
  }
}

const TOP_KEYS = new Set(['model', 'prompt', 'negativePrompt', 'seed', 'steps', 'guidance', 'width', 'height', 'scheduler', 'denoise', 'hires']);
const HIRES_KEYS = new Set(['enabled', 'scale', 'denoise', 'steps', 'sa']);

function reportUnknown(obj: Record<string, unknown>, known: Set<string>, prefix: string, notices: Notice[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) notices.push({ path: prefix + key, message: `${prefix + key}: unknown generation parameter, ignored`, given: shortGiven(obj[key]) });
  }
}

/** Notices of a nested reader, re-rooted under `prefix` ('hires.sa'). */
export function prefixNotices(notices: readonly Notice[], prefix: string): Notice[] {
  return notices.map((n) => ({
    ...n,
    path: n.path ? `${prefix}.${n.path}` : prefix,
    message: n.path && n.message.startsWith(`${n.path}:`) ? `${prefix}.${n.message}` : `${prefix}: ${n.message}`,
  }));
}

/**
 * Reads generation parameters from anything (parsed JSON from a PNG, a decoded link): a partial
 * object merges over the defaults; unknown keys are reported and ignored; numbers are clamped to
 * their range and rounded to whole numbers / multiples of 8 where needed; text is cleaned of
 * control characters and cut to its maximum length; wrong types fall back to the default. Never
 * throws; every value that was not used as given has a notice.
 */
export function normalizeGenParams(input: unknown): { params: GenParams; notices: Notice[] } {
  const notices: Notice[] = [];
  const root = isRecord(input) ? input : {};
  if (!isRecord(input) && input !== undefined) {
    notices.push({ path: '', message: `Generation parameters must be an object, got ${describeValue(input)}; using the defaults`, given: shortGiven(input) });
  }
  reportUnknown(root, TOP_KEYS, '', notices);
  let hires: Record<string, unknown> = {};
  if (isRecord(root.hires)) {
    hires = root.hires;
    reportUnknown(hires, HIRES_KEYS, 'hires.', notices);
  } else if (root.hires !== undefined) {
    notices.push({ path: 'hires', message: `hires: expected an object, got ${describeValue(root.hires)}; using the defaults`, given: shortGiven(root.hires) });
  }
  let params: GenParams = DEFAULT_GEN_PARAMS;
  for (const spec of GEN_PARAM_SPECS) {
    const [head, key] = spec.path.split('.') as [string, string | undefined];
    const given = key === undefined ? root[head] : hires[key];
    if (given === undefined) continue;
    params = setGenParam(params, spec.path, readValue(spec, given, notices) as never);
  }
  let sa = DEFAULT_GEN_PARAMS.hires.sa;
  if (hires.sa !== undefined) {
    const r = normalizeSaParams(hires.sa);
    sa = r.params;
    notices.push(...prefixNotices(r.notices, 'hires.sa'));
  }
  return { params: { ...params, hires: { ...params.hires, sa: normalizeSaParams(sa).params } }, notices };
}

/** The engine's request for these parameters (`init` only for img2img). */
export function generateRequestFrom(gen: GenParams, sa: SaParams, initImage?: ImageRgba): GenerateRequest {
  const req: GenerateRequest = {
    prompt: gen.prompt, negativePrompt: gen.negativePrompt, seed: gen.seed, steps: gen.steps,
    guidance: gen.guidance, width: gen.width, height: gen.height, scheduler: gen.scheduler, sa,
  };
  if (initImage) req.init = { image: initImage, strength: gen.denoise };
  if (gen.hires.enabled) req.hires = { scale: gen.hires.scale, denoise: gen.hires.denoise, steps: gen.hires.steps, sa: gen.hires.sa };
  return req;
}
