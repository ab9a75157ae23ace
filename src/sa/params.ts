// SlothfulAttention parameters (SPEC_SA.md §2): the one definition of their shape, defaults,
// ranges, labels and tooltips, used by the UI sliders, URL presets, the CLI and the kernels alike.
// Reading untrusted input (`normalizeSaParams`, `parseSaJson`) never throws: bad values are
// replaced or clamped and reported as notices.

export type PoolMode = '2D_AVG' | '2D_MAX' | '1D_AVG' | '1D_MAX';
export const POOL_MODES: readonly PoolMode[] = ['2D_AVG', '2D_MAX', '1D_AVG', '1D_MAX'];

/** The settings of one side: `in` = down (input) blocks, `out` = up (output) blocks. */
export interface SaBlockParams {
  readonly strength: number;
  readonly depth_decay: number;
  readonly mode: PoolMode;
  readonly k_blend: number;
  readonly v_blend: number;
}

/** The canonical JSON form of SPEC_SA.md §2 (CLI `--sa`, PNG metadata, URL presets). */
export interface SaParams {
  readonly enabled: boolean;
  readonly time_decay: number;
  readonly peak_time: number;
  readonly keep_middle: boolean;
  readonly in: SaBlockParams;
  readonly out: SaBlockParams;
}

/** Something in the input that was not used as given (or, with level 'info', a confirmation of what a load did). */
export interface Notice {
  path: string;
  message: string;
  given?: unknown;
  used?: unknown;
  /** 'info': not a problem, e.g. "Settings restored from x.png" (absent: something was not used as given) */
  level?: 'info';
}

export const DEFAULT_SA_PARAMS: SaParams = deepFreeze({
  enabled: true,
  time_decay: 2,
  peak_time: 0.4,
  keep_middle: true,
  in: { strength: 6, depth_decay: 2, mode: '2D_AVG', k_blend: 0, v_blend: 0 },
  out: { strength: 4, depth_decay: 2, mode: '2D_AVG', k_blend: 0, v_blend: 0 },
});

type Side = 'in' | 'out';
type BlockNumberKey = 'strength' | 'depth_decay' | 'k_blend' | 'v_blend';
export type SaNumberPath = 'time_decay' | 'peak_time' | `${Side}.${BlockNumberKey}`;
export type SaBooleanPath = 'enabled' | 'keep_middle';
export type SaModePath = `${Side}.mode`;
export type SaParamPath = SaNumberPath | SaBooleanPath | SaModePath;

export type SaParamSpec =
  | { kind: 'number'; path: SaNumberPath; label: string; min: number; max: number; step: number; default: number; tooltip: string }
  | { kind: 'boolean'; path: SaBooleanPath; label: string; default: boolean; tooltip: string }
  | { kind: 'enum'; path: SaModePath; label: string; options: readonly PoolMode[]; default: PoolMode; tooltip: string };

/** Value type at a path. */
export type SaParamValue<P extends SaParamPath> = P extends SaNumberPath
  ? number
  : P extends SaBooleanPath
    ? boolean
    : PoolMode;

export function getSaParam<P extends SaParamPath>(params: SaParams, path: P): SaParamValue<P> {
  const [head, key] = path.split('.') as [string, string | undefined];
  const holder = (key === undefined ? params : params[head as Side]) as unknown as Record<string, unknown>;
  return holder[key ?? head] as SaParamValue<P>;
}

/** A copy of `params` with one value replaced (no range check: see `normalizeSaParams`). */
export function setSaParam<P extends SaParamPath>(params: SaParams, path: P, value: SaParamValue<P>): SaParams {
  const [head, key] = path.split('.') as [string, string | undefined];
  if (key === undefined) return { ...params, [head]: value };
  const side = head as Side;
  return { ...params, [side]: { ...params[side], [key]: value } };
}

// The blend tooltips share sentences; the simple view's linked K/V blend says each one once.
const BLEND = {
  range: '0 = strided sample (changes the image least), 1 = full pool.',
  k: 'For K, avg and max differ little at low blend; max with high k_blend breaks easily.',
  v: 'Avg as V gives softer output; Max as V raises contrast and saturation.',
  apart: 'Very different k_blend and v_blend tend to break images.',
} as const;

/** Tooltip of the simple view's linked K/V blend (k_blend = v_blend, so they never differ). */
export const SIMPLE_BLEND_TOOLTIP = `Sets k_blend and v_blend together. ${BLEND.range} ${BLEND.k} ${BLEND.v}`;

const TIP = {
  strength:
    'Peak stride in area units: K/V keep about 1/strength of the tokens. SA lowers attention precision, so images break more easily as it rises.',
  depthDecay:
    'How fast strength falls with depth (strength / depth^decay). Raise it to change composition and pose less in txt2img; img2img tolerates lower values.',
  mode:
    '2D pools square-ish windows of the token grid; 1D pools runs of the raster order. Avg gives softer output; Max raises contrast and saturation and breaks at high strength or blend. One mode is used for both K and V.',
  kBlend: `${BLEND.range} ${BLEND.k} ${BLEND.apart}`,
  vBlend: `${BLEND.range} ${BLEND.v} ${BLEND.apart}`,
} as const;

function blockSpecs(side: Side, where: string): SaParamSpec[] {
  const d = DEFAULT_SA_PARAMS[side];
  return [
    { kind: 'number', path: `${side}.strength`, label: `Strength (${where})`, min: 0, max: 50, step: 0.1, default: d.strength, tooltip: `${TIP.strength} ${side === 'in' ? 'Input blocks seem to decide what a region is (strong SA fuses hair and accessories); deep input blocks drive composition and pose.' : 'Output blocks decide how a region is drawn; SA shows strongly there.'}` },
    { kind: 'number', path: `${side}.depth_decay`, label: `Depth decay (${where})`, min: 0, max: 4, step: 0.1, default: d.depth_decay, tooltip: TIP.depthDecay },
    { kind: 'enum', path: `${side}.mode`, label: `Pooling (${where})`, options: POOL_MODES, default: d.mode, tooltip: TIP.mode },
    { kind: 'number', path: `${side}.k_blend`, label: `K blend (${where})`, min: 0, max: 1, step: 0.05, default: d.k_blend, tooltip: TIP.kBlend },
    { kind: 'number', path: `${side}.v_blend`, label: `V blend (${where})`, min: 0, max: 1, step: 0.05, default: d.v_blend, tooltip: TIP.vBlend },
  ];
}

/** Every parameter, in canonical JSON order: the single table for sliders, URL, CLI. */
export const SA_PARAM_SPECS: readonly SaParamSpec[] = deepFreeze([
  { kind: 'boolean', path: 'enabled', label: 'SlothfulAttention', default: DEFAULT_SA_PARAMS.enabled, tooltip: 'Off: every self-attention runs as plain attention.' },
  { kind: 'number', path: 'time_decay', label: 'Time decay', min: 0, max: 4, step: 0.1, default: DEFAULT_SA_PARAMS.time_decay, tooltip: 'How fast SA fades away from peak_time. SA is meant to act early and let the plain U-Net repair details late; with 0 (same strength at every step) details tend to break. Blurry or broken details: raise it. img2img starts mid-schedule where SA is weak: lower it or raise strength.' },
  { kind: 'number', path: 'peak_time', label: 'Peak time', min: 0, max: 1, step: 0.01, default: DEFAULT_SA_PARAMS.peak_time, tooltip: 'Progress through the schedule (0 = first step of a full schedule, 1 = end) at which SA is strongest.' },
  { kind: 'boolean', path: 'keep_middle', label: 'Keep middle block', default: DEFAULT_SA_PARAMS.keep_middle, tooltip: 'On: the mid block runs plain attention. Off: the mid block uses the input-block settings.' },
  ...blockSpecs('in', 'down blocks'),
  ...blockSpecs('out', 'up blocks'),
] satisfies SaParamSpec[]);

export function saParamSpec(path: SaParamPath): SaParamSpec {
  const spec = SA_PARAM_SPECS.find((s) => s.path === path);
  if (!spec) throw new Error(`No SA parameter "${path}"; see SA_PARAM_SPECS for the list.`);
  return spec;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  return Array.isArray(x) ? 'an array' : `a ${typeof x}`;
}

function readValue(spec: SaParamSpec, given: unknown, notices: Notice[]): number | boolean | PoolMode {
  const fallback = (why: string) => {
    notices.push({ path: spec.path, message: `${spec.path}: ${why}; using the default ${describe(spec.default)}`, given, used: spec.default });
    return spec.default;
  };
  if (spec.kind === 'boolean') {
    return typeof given === 'boolean' ? given : fallback(`expected true or false, got ${describe(given)}`);
  }
  if (spec.kind === 'enum') {
    return spec.options.includes(given as PoolMode)
      ? (given as PoolMode)
      : fallback(`expected one of ${spec.options.join(', ')}, got ${describe(given)}`);
  }
  if (typeof given !== 'number') return fallback(`expected a number, got ${describe(given)}`);
  if (Number.isNaN(given)) return fallback('NaN is not a number');
  const used = Math.min(spec.max, Math.max(spec.min, given));
  if (used !== given) {
    const side = given > spec.max ? `above the maximum ${spec.max}` : `below the minimum ${spec.min}`;
    notices.push({ path: spec.path, message: `${spec.path}: ${given} is ${side}; using ${used}`, given, used });
  }
  return used;
}

const BLOCK_KEYS = new Set(['strength', 'depth_decay', 'mode', 'k_blend', 'v_blend']);
const TOP_KEYS = new Set(['enabled', 'time_decay', 'peak_time', 'keep_middle', 'in', 'out']);

function reportUnknownKeys(obj: Record<string, unknown>, known: Set<string>, prefix: string, notices: Notice[]): void {
  for (const key of Object.keys(obj)) {
    if (known.has(key)) continue;
    const path = prefix + key;
    notices.push({ path, message: `${path}: unknown SA parameter, ignored`, given: obj[key] });
  }
}

/**
 * Reads SA parameters from anything (parsed JSON, a URL preset, a CLI flag): a partial object
 * merges over the defaults; unknown keys are reported and ignored; out-of-range numbers are
 * clamped (±Infinity to the range ends); wrong types and NaN fall back to the default. Never throws.
 */
export function normalizeSaParams(input: unknown): { params: SaParams; notices: Notice[] } {
  const notices: Notice[] = [];
  let root: Record<string, unknown> = {};
  if (isRecord(input)) root = input;
  else if (input !== undefined) {
    notices.push({ path: '', message: `SA parameters must be an object, got ${describe(input)}; using the defaults`, given: input });
  }
  reportUnknownKeys(root, TOP_KEYS, '', notices);
  const sides: Record<Side, Record<string, unknown>> = { in: {}, out: {} };
  for (const side of ['in', 'out'] as const) {
    const given = root[side];
    if (isRecord(given)) {
      sides[side] = given;
      reportUnknownKeys(given, BLOCK_KEYS, `${side}.`, notices);
    } else if (given !== undefined) {
      notices.push({ path: side, message: `${side}: expected an object, got ${describe(given)}; using the defaults`, given });
    }
  }
  let params: SaParams = DEFAULT_SA_PARAMS;
  for (const spec of SA_PARAM_SPECS) {
    const [head, key] = spec.path.split('.') as [string, string | undefined];
    const holder = key === undefined ? root : sides[head as Side];
    const given = holder[key ?? head];
    if (given === undefined) continue;
    params = setSaParam(params, spec.path, readValue(spec, given, notices) as never);
  }
  return { params: cloneParams(params), notices };
}

/** Parses the canonical JSON form; bad JSON gives the defaults and a notice. Never throws. */
export function parseSaJson(text: string): { params: SaParams; notices: Notice[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      params: cloneParams(DEFAULT_SA_PARAMS),
      notices: [{ path: '', message: `SA parameters are not valid JSON (${why}); using the defaults`, given: text }],
    };
  }
  return normalizeSaParams(parsed);
}

/** The canonical JSON text (keys in SPEC_SA.md §2 order). */
export function saParamsToJson(params: SaParams): string {
  return JSON.stringify(cloneParams(params));
}

function cloneParams(p: SaParams): SaParams {
  const block = (b: SaBlockParams): SaBlockParams => ({
    strength: b.strength, depth_decay: b.depth_decay, mode: b.mode, k_blend: b.k_blend, v_blend: b.v_blend,
  });
  return { enabled: p.enabled, time_decay: p.time_decay, peak_time: p.peak_time, keep_middle: p.keep_middle, in: block(p.in), out: block(p.out) };
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
