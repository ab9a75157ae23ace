// Command-line parsing for the Node CLI: `generate` and `unet-step` flags → typed options, and the
// generation parameters (defaults ← --preset ← explicit flags ← --sa) with every notice kept.
// Pure apart from the `readText` callback used for `--sa @file`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { normalizeSaParams, type Notice, type SaParams } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, normalizeGenParams, type GenParams, type ParamSet } from '../params/gen-params.ts';
import { SCHEDULER_NAMES } from '../params/request.ts';
import { decodeUrlPreset, queryPart } from '../params/url-preset.ts';
import { MODEL_REGISTRY, registryDefaults } from '../pipeline/registry.ts';
import type { F16Path } from '../gpu/kernels/dtype.ts';

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export const USAGE = `usage:
  cli generate [--model <dir|url>] --prompt TEXT --out img.png [--negative TEXT] [--seed N] [--steps N]
               [--size WxH] [--guidance G] [--scheduler ${SCHEDULER_NAMES.join('|')}]
               [--sa '<json>'|@file.json] [--preset '<URL preset query>'] [--tokenizer <dir|url>]
               [--f16-path native|packed] [--previews DIR]
  cli sweep [--model <dir|url>] --prompt TEXT --x 'sa.in.strength=0,4,8' [--y 'seed=1,2'] --out DIR
            [every generate flag]: one PNG per cell and DIR/index.html
  cli lab [--model <dir|url>] [--prompts FILE|--prompt TEXT …] [--seeds 1,2,3] [--size WxH] [--steps N]
          [--guidance G] [--scheduler NAME] [--quick] --out DIR: sweeps each SA parameter the author
          talks about from the defaults, measures every image against SA off with the same seed and
          writes DIR/report.json and DIR/report.html (observation → measured → holds here or not).
          --prompts FILE: one prompt a line (# comments). --quick: 1 seed, 1 prompt, the main parameters
          at one value besides the default, 64x64 and 2 steps unless given (a smoke run for tests).
  cli unet-step --unet model.onnx [--external weights.pb] --sample s.npy --timestep t.npy|T
                --context c.npy --out out.npy [--sites sites.json] [--sa '<json>'|@file] [--cpu]
                [--f16-path native|packed] [--text-embeds e.npy] [--time-ids i.npy|H,W,top,left,TH,TW]
  (SDXL U-Nets need --text-embeds [B, P]; --time-ids defaults to the latent's pixel size, no crop)
  --sa takes SPEC_SA §2's canonical JSON; a partial object merges over the defaults (or --preset's SA).
  --preset takes an app share link (or its query); without --model, the link's model is used (its
  custom URL mu=, or a registry model's location); with --model, a notice says the link's is not.
  --f16-path forces how fp16 SA sites read their tensors: native (enable f16; needs shader-f16) or
  packed (u32 + unpack2x16float, any adapter); default native where the adapter has shader-f16.
  --previews DIR writes each U-Net step's quick preview (latent → RGB, upscaled ×8) as DIR/step-NNN.png.`;

export interface GenerateArgs {
  command: 'generate';
  model: string;
  tokenizer?: string;
  out: string;
  prompt?: string;
  negative?: string;
  seed?: number;
  steps?: number;
  size?: { width: number; height: number };
  guidance?: number;
  scheduler?: string;
  sa?: string;
  preset?: string;
  f16Path?: F16Path;
  /** generate only: a folder for the per-step preview PNGs (off when absent) */
  previews?: string;
}

export interface UnetStepArgs {
  command: 'unet-step';
  unet: string;
  external?: string;
  sample: string;
  /** a .npy path, or a number */
  timestep: string;
  context: string;
  /** SDXL: pooled text embeddings .npy [B, P] */
  textEmbeds?: string;
  /** SDXL: a .npy [B, 6] or six comma-separated numbers (original h, w, crop top, left, target h, w) */
  timeIds?: string;
  out: string;
  sites?: string;
  sa?: string;
  cpu: boolean;
  f16Path?: F16Path;
}

export interface SweepArgs extends Omit<GenerateArgs, 'command'> {
  command: 'sweep';
  /** 'path=v1,v2,…' (parsed by sweep-axes.ts) */
  x: string;
  y?: string;
}

export interface LabArgs {
  command: 'lab';
  model: string;
  tokenizer?: string;
  out: string;
  /** --prompt values, in order (may be empty) */
  prompts: string[];
  promptsFile?: string;
  seeds: number[];
  size?: { width: number; height: number };
  steps?: number;
  guidance?: number;
  scheduler?: string;
  quick: boolean;
  f16Path?: F16Path;
}

export type CliArgs = GenerateArgs | SweepArgs | UnetStepArgs | LabArgs | { command: 'help' };

const GENERATE_OPTIONS = {
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  out: { type: 'string' },
  prompt: { type: 'string' },
  negative: { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  size: { type: 'string' },
  guidance: { type: 'string' },
  scheduler: { type: 'string' },
  sa: { type: 'string' },
  preset: { type: 'string' },
  'f16-path': { type: 'string' },
  previews: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const SWEEP_OPTIONS = { ...GENERATE_OPTIONS, x: { type: 'string' }, y: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

const LAB_OPTIONS = {
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  out: { type: 'string' },
  prompt: { type: 'string', multiple: true },
  prompts: { type: 'string' },
  seeds: { type: 'string' },
  size: { type: 'string' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  scheduler: { type: 'string' },
  quick: { type: 'boolean', default: false },
  'f16-path': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const UNET_STEP_OPTIONS = {
  unet: { type: 'string' },
  external: { type: 'string' },
  sample: { type: 'string' },
  timestep: { type: 'string' },
  context: { type: 'string' },
  'text-embeds': { type: 'string' },
  'time-ids': { type: 'string' },
  out: { type: 'string' },
  sites: { type: 'string' },
  sa: { type: 'string' },
  cpu: { type: 'boolean', default: false },
  'f16-path': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** A finite number (integer when asked) or a CliUsageError naming the flag. */
export function parseNumber(flag: string, raw: string | undefined, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new CliUsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}.`);
  }
  return v;
}

/** --f16-path: 'native' or 'packed' (undefined when not given). */
export function parseF16Path(raw: string | undefined): F16Path | undefined {
  if (raw === undefined || raw === 'native' || raw === 'packed') return raw;
  throw new CliUsageError(`--f16-path must be native or packed, got ${JSON.stringify(raw)}.`);
}

/** '1,2,3': distinct integer seeds in 0..2^32−1. */
export function parseSeeds(raw: string): number[] {
  const seeds = raw.split(',').map((v) => v.trim()).filter(Boolean).map((v) => parseNumber('seeds', v, true)!);
  if (!seeds.length || seeds.some((v) => v < 0 || v > 2 ** 32 - 1)) throw new CliUsageError(`--seeds must be integers 0..4294967295 separated by commas, got ${JSON.stringify(raw)}.`);
  if (new Set(seeds).size !== seeds.length) throw new CliUsageError(`--seeds has a seed twice: ${JSON.stringify(raw)}.`);
  return seeds;
}

/** 'WxH' (or one number for a square) in pixels. */
export function parseSize(raw: string): { width: number; height: number } {
  const m = raw.trim().match(/^(\d+)(?:[x×](\d+))?$/i);
  if (!m) throw new CliUsageError(`--size must look like 512x512 (width x height in pixels), got ${JSON.stringify(raw)}.`);
  const width = Number(m[1]);
  const height = Number(m[2] ?? m[1]);
  if (width % 8 || height % 8 || width < 8 || height < 8) throw new CliUsageError(`--size ${width}x${height}: width and height must be positive multiples of 8.`);
  return { width, height };
}

function required<T>(command: string, flag: string, v: T | undefined): T {
  if (v === undefined) throw new CliUsageError(`${command} needs --${flag}.\n${USAGE}`);
  return v;
}

function parseFlags<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CliUsageError(`${(e as Error).message}\n${USAGE}`);
  }
}

/** --model when none is given: the embedded default (the trained toy model). */
export const DEFAULT_MODEL_DIR = 'public/models/toy';

/** Parses `argv` (without node and the script; a leading '--' is dropped). */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'generate' || command === 'sweep') {
    const v = parseFlags(rest, command === 'sweep' ? SWEEP_OPTIONS : GENERATE_OPTIONS);
    if (v.scheduler !== undefined && !(SCHEDULER_NAMES as readonly string[]).includes(v.scheduler)) {
      throw new CliUsageError(`--scheduler must be one of ${SCHEDULER_NAMES.join(', ')}, got ${JSON.stringify(v.scheduler)}.`);
    }
    const gen: GenerateArgs = {
      command: 'generate',
      model: v.model ?? (v.preset === undefined ? undefined : presetModel(v.preset)) ?? DEFAULT_MODEL_DIR,
      tokenizer: v.tokenizer,
      out: required(command, 'out', v.out),
      prompt: v.prompt,
      negative: v.negative,
      seed: parseNumber('seed', v.seed, true),
      steps: parseNumber('steps', v.steps, true),
      size: v.size === undefined ? undefined : parseSize(v.size),
      guidance: parseNumber('guidance', v.guidance),
      scheduler: v.scheduler,
      sa: v.sa,
      preset: v.preset,
      f16Path: parseF16Path(v['f16-path']),
      previews: v.previews,
    };
    if (command === 'generate') return gen;
    if (gen.previews !== undefined) throw new CliUsageError(`--previews is for generate (one image), not sweep.\n${USAGE}`);
    const sweep = v as { x?: string; y?: string };
    return { ...gen, command, x: required(command, 'x', sweep.x), y: sweep.y };
  }
  if (command === 'lab') {
    const v = parseFlags(rest, LAB_OPTIONS);
    if (v.scheduler !== undefined && !(SCHEDULER_NAMES as readonly string[]).includes(v.scheduler)) {
      throw new CliUsageError(`--scheduler must be one of ${SCHEDULER_NAMES.join(', ')}, got ${JSON.stringify(v.scheduler)}.`);
    }
    if (v.prompt?.length && v.prompts !== undefined) throw new CliUsageError('lab takes --prompts FILE or --prompt TEXT, not both.');
    return {
      command,
      model: v.model ?? DEFAULT_MODEL_DIR,
      tokenizer: v.tokenizer,
      out: required(command, 'out', v.out),
      prompts: v.prompt ?? [],
      promptsFile: v.prompts,
      seeds: v.seeds === undefined ? [1, 2, 3] : parseSeeds(v.seeds),
      size: v.size === undefined ? undefined : parseSize(v.size),
      steps: parseNumber('steps', v.steps, true),
      guidance: parseNumber('guidance', v.guidance),
      scheduler: v.scheduler,
      quick: v.quick ?? false,
      f16Path: parseF16Path(v['f16-path']),
    };
  }
  if (command === 'unet-step') {
    const v = parseFlags(rest, UNET_STEP_OPTIONS);
    return {
      command,
      unet: required(command, 'unet', v.unet),
      external: v.external,
      sample: required(command, 'sample', v.sample),
      timestep: required(command, 'timestep', v.timestep),
      context: required(command, 'context', v.context),
      textEmbeds: v['text-embeds'],
      timeIds: v['time-ids'],
      out: required(command, 'out', v.out),
      sites: v.sites,
      sa: v.sa,
      cpu: v.cpu ?? false,
      f16Path: parseF16Path(v['f16-path']),
    };
  }
  throw new CliUsageError(`Unknown command ${JSON.stringify(command)}.\n${USAGE}`);
}

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * SA parameters from a `--sa` value (JSON text, or @path read with `readText`), merged over
 * `base` per side. Invalid JSON is a usage error; unknown keys and out-of-range values are notices.
 */
export function saFromFlag(raw: string | undefined, base: SaParams, readText: (path: string) => string): { params: SaParams; notices: Notice[] } {
  if (raw === undefined) return { params: base, notices: [] };
  const text = raw.startsWith('@') ? readText(raw.slice(1)) : raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CliUsageError(`--sa is not valid JSON (${(e as Error).message}). Example: --sa '{"in": {"strength": 8}, "time_decay": 0}'.`);
  }
  if (!isRecord(parsed)) throw new CliUsageError(`--sa must be a JSON object such as {"enabled": false}, got ${text.slice(0, 40)}.`);
  const side = (k: 'in' | 'out') => (isRecord(parsed[k]) ? { ...base[k], ...parsed[k] } : parsed[k] ?? base[k]);
  const r = normalizeSaParams({ ...base, ...parsed, in: side('in'), out: side('out') });
  return { params: r.params, notices: r.notices.map((n) => ({ ...n, path: `sa${n.path ? '.' + n.path : ''}` })) };
}

const trimSlashes = (path: string): string => path.replace(/[/\\]+$/, '');

/** Where the CLI finds a registry model: its URL, or the app's folder under public/ for the embedded ones. */
function registryLocation(base: string): string {
  return /^https?:\/\//.test(base) ? base : `public/${base}`;
}

/**
 * The model a share link names, as a --model value: its custom URL (mu=, with m=custom), or a
 * registry model's location; undefined when the link names none (or one this app does not know).
 */
export function presetModel(preset: string): string | undefined {
  const p = decodeUrlPreset(preset);
  if (p.customBase !== undefined) return p.customBase;
  if (!new URLSearchParams(queryPart(preset)).has('m')) return undefined;
  const entry = MODEL_REGISTRY.find((m) => m.id === p.params.gen.model);
  return entry && registryLocation(entry.base);
}

/**
 * The model id written into the PNG: a registry model's id when --model is its location, else the
 * folder's last name when it is a valid id, else 'custom'.
 */
export function modelIdOf(model: string): string {
  const trimmed = trimSlashes(model);
  const entry = MODEL_REGISTRY.find((m) => trimSlashes(registryLocation(m.base)) === trimmed);
  if (entry) return entry.id;
  const name = trimmed.split(/[/\\]/).pop() ?? '';
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) ? name : 'custom';
}

/** Generation parameters: defaults ← --preset ← explicit flags ← --sa; notices from every layer. */
export function paramSetFrom(a: GenerateArgs | SweepArgs, readText: (path: string) => string): { set: ParamSet; notices: Notice[] } {
  const notices: Notice[] = [];
  const id = modelIdOf(a.model);
  // A known model (by folder name) starts from its registry defaults: size, steps, guidance, sampler.
  const known = registryDefaults(id);
  let gen: GenParams = { ...DEFAULT_GEN_PARAMS, ...known, model: id };
  let sa: SaParams = normalizeSaParams(undefined).params;
  if (a.preset !== undefined) {
    const p = decodeUrlPreset(a.preset);
    notices.push(...p.notices.map((n) => ({ ...n, path: `preset ${n.path}` })));
    ({ sa } = p.params);
    const named = presetModel(a.preset);
    if (named !== undefined && trimSlashes(named) !== trimSlashes(a.model)) {
      notices.push({ path: 'preset m', message: `the link's model (${named}) is not used: --model ${a.model} is`, given: named, used: a.model });
    }
    gen = { ...p.params.gen, model: gen.model };
  }
  const flags: Partial<Record<keyof GenParams, unknown>> = {
    prompt: a.prompt, negativePrompt: a.negative, seed: a.seed, steps: a.steps, guidance: a.guidance,
    width: a.size?.width, height: a.size?.height, scheduler: a.scheduler,
  };
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const g = normalizeGenParams({ ...gen, ...given });
  notices.push(...g.notices);
  const s = saFromFlag(a.sa, sa, readText);
  notices.push(...s.notices);
  return { set: { gen: g.params, sa: s.params }, notices };
}
