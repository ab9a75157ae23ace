// Test helper: asserts that parameters are valid, from the ranges of the brief (written out here,
// not read from GEN_PARAM_SPECS, so the tables under test cannot vouch for themselves).
import fc from 'fast-check';
import { expect } from 'vitest';
import type { SaParams } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, type GenParams } from './gen-params.ts';

const NUMBER_RANGES: [keyof GenParams | `hires.${'scale' | 'denoise' | 'steps'}`, number, number, number][] = [
  // path, min, max, multiple of (0: any real)
  ['seed', 0, 2 ** 32 - 1, 1],
  ['steps', 1, 150, 1],
  ['guidance', 0, 30, 0],
  ['width', 64, 2048, 8],
  ['height', 64, 2048, 8],
  ['denoise', 0, 1, 0],
  ['hires.scale', 1, 2, 0],
  ['hires.denoise', 0, 1, 0],
  ['hires.steps', 1, 150, 1],
];

const SA_RANGES: [string, number, number][] = [
  ['time_decay', 0, 4], ['peak_time', 0, 1],
  ['in.strength', 0, 50], ['in.depth_decay', 0, 4], ['in.k_blend', 0, 1], ['in.v_blend', 0, 1],
  ['out.strength', 0, 50], ['out.depth_decay', 0, 4], ['out.k_blend', 0, 1], ['out.v_blend', 0, 1],
];
const MODES = ['2D_AVG', '2D_MAX', '1D_AVG', '1D_MAX'] as const;

function at(obj: object, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

/** What is wrong with `sa` (empty: valid). */
export function saParamsViolations(sa: SaParams, where = 'sa'): string[] {
  const bad: string[] = [];
  const keys = Object.keys(sa).sort().join(',');
  if (keys !== 'enabled,in,keep_middle,out,peak_time,time_decay') bad.push(`${where} keys: ${keys}`);
  for (const [path, min, max] of SA_RANGES) {
    const v = at(sa, path);
    if (!(typeof v === 'number' && v >= min && v <= max)) bad.push(`${where}.${path} = ${String(v)}`);
  }
  if (typeof sa.enabled !== 'boolean' || typeof sa.keep_middle !== 'boolean') bad.push(`${where} booleans`);
  if (!MODES.includes(sa.in.mode) || !MODES.includes(sa.out.mode)) bad.push(`${where} modes ${sa.in.mode} ${sa.out.mode}`);
  return bad;
}

/** What is wrong with `gen` (empty: valid). */
export function genParamsViolations(gen: GenParams): string[] {
  const bad: string[] = [];
  for (const [path, min, max, unit] of NUMBER_RANGES) {
    const v = at(gen, path);
    const ok = typeof v === 'number' && v >= min && v <= max && !Object.is(v, -0) && (unit === 0 || v % unit === 0);
    if (!ok) bad.push(`${path} = ${String(v)}`);
  }
  for (const [name, text] of [['prompt', gen.prompt], ['negativePrompt', gen.negativePrompt]] as const) {
    if (typeof text !== 'string' || Array.from(text).length > 2000 || /[\u0000-\u0008\u000B-\u001F\u007F]/.test(text)) bad.push(name); // eslint-disable-line no-control-regex
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(gen.model)) bad.push(`model = ${gen.model}`);
  if (!['euler', 'euler-ancestral', 'ddim', 'dpmpp-2m-karras', 'lcm'].includes(gen.scheduler)) bad.push(`scheduler = ${gen.scheduler}`);
  if (typeof gen.hires.enabled !== 'boolean') bad.push('hires.enabled');
  return [...bad, ...saParamsViolations(gen.hires.sa, 'hires.sa')];
}

export function expectValidSaParams(sa: SaParams, where = 'sa'): void {
  expect(saParamsViolations(sa, where)).toEqual([]);
}

export function expectValidGenParams(gen: GenParams): void {
  expect(genParamsViolations(gen)).toEqual([]);
}

// Random valid parameter sets (ranges from the brief, not from the tables under test); each value
// is sometimes its default, so encoders that skip defaults are exercised too.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F\r]/g; // eslint-disable-line no-control-regex
const tricky = fc.constantFrom('&', '=', '+', '%', '%20', '#', '?', ' ', '<', '>', '"', "'", '\n', '\t', '😀', 'é', '\u00A0', 'a', 'Negative prompt:', ',');
const text = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: tricky, maxLength: 40 }), fc.string({ unit: 'grapheme-ascii', minLength: 1900, maxLength: 2000 }))
  .map((s) => Array.from(s.replace(CONTROL, '')).slice(0, 2000).join(''));
const real = (min: number, max: number) => fc.oneof(fc.double({ min, max, noNaN: true }).map((x) => x + 0), fc.constantFrom(min, max), fc.integer({ min, max }));
const orDefault = <T,>(arb: fc.Arbitrary<T>, def: T) => fc.oneof({ arbitrary: arb, weight: 3 }, { arbitrary: fc.constant(def), weight: 1 });
const block = fc.record({ strength: real(0, 50), depth_decay: real(0, 4), mode: fc.constantFrom(...MODES), k_blend: real(0, 1), v_blend: real(0, 1) });
export const saParamsArb = (def: SaParams): fc.Arbitrary<SaParams> =>
  orDefault(fc.record({ enabled: fc.boolean(), time_decay: real(0, 4), peak_time: real(0, 1), keep_middle: fc.boolean(), in: block, out: block }), def);

const D = DEFAULT_GEN_PARAMS;
export const genParamsArb: fc.Arbitrary<GenParams> = fc.record({
  model: orDefault(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), D.model),
  prompt: orDefault(text, D.prompt),
  negativePrompt: orDefault(text, D.negativePrompt),
  seed: orDefault(fc.integer({ min: 0, max: 2 ** 32 - 1 }), D.seed),
  steps: orDefault(fc.integer({ min: 1, max: 150 }), D.steps),
  guidance: orDefault(real(0, 30), D.guidance),
  width: orDefault(fc.integer({ min: 8, max: 256 }).map((x) => x * 8), D.width),
  height: orDefault(fc.integer({ min: 8, max: 256 }).map((x) => x * 8), D.height),
  scheduler: fc.constantFrom('euler', 'euler-ancestral', 'ddim', 'dpmpp-2m-karras', 'lcm'),
  denoise: orDefault(real(0, 1), D.denoise),
  hires: fc.record({
    enabled: fc.boolean(),
    scale: orDefault(real(1, 2), D.hires.scale),
    denoise: orDefault(real(0, 1), D.hires.denoise),
    steps: orDefault(fc.integer({ min: 1, max: 150 }), D.hires.steps),
    sa: saParamsArb(D.hires.sa),
  }),
});
