// Test helper: asserts that parameters are valid, from the ranges of the brief (written out here,
// not read from GEN_PARAM_SPECS, so the tables under test cannot vouch for themselves).
import { expect } from 'vitest';
import type { SaParams } from '../sa/index.ts';
import type { GenParams } from './gen-params.ts';

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
const MODES = ['2D_AVG', '2D_MAX', '1D_AVG', '1D_MAX'];

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
  if (!['euler', 'euler_a', 'ddim', 'dpmpp_2m_karras', 'lcm'].includes(gen.scheduler)) bad.push(`scheduler = ${gen.scheduler}`);
  if (typeof gen.hires.enabled !== 'boolean') bad.push('hires.enabled');
  return [...bad, ...saParamsViolations(gen.hires.sa, 'hires.sa')];
}

export function expectValidSaParams(sa: SaParams, where = 'sa'): void {
  expect(saParamsViolations(sa, where)).toEqual([]);
}

export function expectValidGenParams(gen: GenParams): void {
  expect(genParamsViolations(gen)).toEqual([]);
}
