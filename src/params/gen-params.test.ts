// Generation parameters: defaults, ranges, rounding of sizes to multiples of 8, text cleaning, and
// reading untrusted input without throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, setSaParam } from '../sa/index.ts';
import { SCHEDULER_NAMES } from './request.ts';
import {
  DEFAULT_GEN_PARAMS,
  GEN_PARAM_SPECS,
  MAX_SEED,
  SCHEDULER_LABELS,
  cleanText,
  genParamSpec,
  generateRequestFrom,
  getGenParam,
  normalizeGenParams,
  setGenParam,
  type GenParams,
} from './gen-params.ts';
import { findSaPreset } from './sa-presets.ts';
import { expectValidGenParams } from './gen-params.test-util.ts';

// The ranges of the brief for issue 8, written out by hand.
const RANGES: [string, number, number][] = [
  ['seed', 0, 4294967295],
  ['steps', 1, 150],
  ['guidance', 0, 30],
  ['width', 64, 2048],
  ['height', 64, 2048],
  ['denoise', 0, 1],
  ['hires.scale', 1, 2],
  ['hires.denoise', 0, 1],
  ['hires.steps', 1, 150],
];

describe('defaults and parameter table', () => {
  it('has one spec per parameter, each default equal to DEFAULT_GEN_PARAMS', () => {
    expect(GEN_PARAM_SPECS.map((s) => s.path)).toEqual([
      'model', 'prompt', 'negativePrompt', 'seed', 'steps', 'guidance', 'width', 'height', 'scheduler', 'denoise',
      'hires.enabled', 'hires.scale', 'hires.denoise', 'hires.steps',
    ]);
    for (const spec of GEN_PARAM_SPECS) {
      expect(spec.default, spec.path).toEqual(getGenParam(DEFAULT_GEN_PARAMS, spec.path));
      expect(spec.tooltip.length, spec.path).toBeGreaterThan(10);
    }
    expect(Object.keys(SCHEDULER_LABELS)).toEqual([...SCHEDULER_NAMES]); // menu labels in the names' order
    expect(SCHEDULER_NAMES).toEqual(['euler', 'euler-ancestral', 'ddim', 'dpmpp-2m-karras', 'lcm']);
    expect(DEFAULT_GEN_PARAMS.hires.sa).toEqual(findSaPreset('second-pass')!.params);
    expect(MAX_SEED).toBe(4294967295);
  });

  it.each(RANGES)('%s ranges over [%d, %d]', (path, min, max) => {
    expect(GEN_PARAM_SPECS.find((s) => s.path === path)).toMatchObject({ kind: 'number', min, max });
  });

  it('the defaults are valid and normalize to themselves without notices', () => {
    expect(normalizeGenParams(DEFAULT_GEN_PARAMS)).toEqual({ params: DEFAULT_GEN_PARAMS, notices: [] });
    expect(normalizeGenParams(undefined)).toEqual({ params: DEFAULT_GEN_PARAMS, notices: [] });
    expectValidGenParams(DEFAULT_GEN_PARAMS);
  });

  it('setGenParam replaces one value, nested or not', () => {
    const p = setGenParam(setGenParam(DEFAULT_GEN_PARAMS, 'hires.scale', 2), 'steps', 31);
    expect([p.hires.scale, p.steps, p.hires.steps, p.width]).toEqual([2, 31, 10, DEFAULT_GEN_PARAMS.width]);
    expect(DEFAULT_GEN_PARAMS.hires.scale).toBe(1.5);
    expect(() => genParamSpec('nope' as never)).toThrow(/GEN_PARAM_SPECS/);
  });
});

describe('normalizeGenParams', () => {
  // given → used, each with exactly one notice on that path.
  it.each([
    ['steps', -5, 1],
    ['steps', 12.4, 12],
    ['steps', 1e9, 150],
    ['seed', -1, 0],
    ['seed', 2 ** 32, MAX_SEED],
    ['seed', 7.5, 8],
    ['guidance', 31, 30],
    ['width', 100, 104],
    ['width', 99, 96],
    ['height', 4000, 2048],
    ['height', 10, 64],
    ['denoise', -Infinity, 0],
    ['hires.scale', 3, 2],
    ['hires.scale', 0.5, 1],
    ['hires.steps', 0, 1],
  ] as const)('%s = %d → %d with a notice', (path, given, used) => {
    const [head, key] = path.split('.');
    const { params, notices } = normalizeGenParams(key ? { [head]: { [key]: given } } : { [head]: given });
    expect(getGenParam(params, path)).toBe(used);
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.every((n) => n.path === path)).toBe(true);
    expect(notices.at(-1)).toMatchObject({ used });
  });

  it('keeps in-range values exactly, range ends included', () => {
    const input = { seed: MAX_SEED, steps: 150, guidance: 0, width: 2048, height: 64, denoise: 1, hires: { scale: 1, steps: 1 } };
    const { params, notices } = normalizeGenParams(input);
    expect(notices).toEqual([]);
    expect(params).toMatchObject({ ...input, hires: { ...DEFAULT_GEN_PARAMS.hires, ...input.hires } });
  });

  it.each([
    ['steps', '30', DEFAULT_GEN_PARAMS.steps],
    ['guidance', NaN, DEFAULT_GEN_PARAMS.guidance],
    ['scheduler', 'Euler', DEFAULT_GEN_PARAMS.scheduler],
    ['hires.enabled', 1, false],
    ['prompt', 42, DEFAULT_GEN_PARAMS.prompt],
    ['model', '../../etc/passwd', DEFAULT_GEN_PARAMS.model],
    ['model', 'x'.repeat(65), DEFAULT_GEN_PARAMS.model],
  ] as const)('falls back to the default for %s = %s', (path, given, used) => {
    const [head, key] = path.split('.');
    const { params, notices } = normalizeGenParams(key ? { [head]: { [key]: given } } : { [head]: given });
    expect(getGenParam(params, path)).toBe(used);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ path, used });
  });

  it('cleans text: control characters, lone surrogates, CRLF, length cap in code points', () => {
    expect(cleanText('a\u0000b\tc\r\nd\re', 100)).toEqual({ text: 'ab\tc\nd\ne', why: ['control characters removed'] });
    expect(cleanText('x\uD800y', 100).text).toBe('x\uFFFDy');
    const astral = '😀'.repeat(2001);
    const cut = cleanText(astral, 2000);
    expect(Array.from(cut.text)).toHaveLength(2000);
    expect(cut.text).toBe('😀'.repeat(2000));
    expect(cut.why[0]).toMatch(/cut to 2000/);
    expect(cleanText('<script>alert(1)</script>', 100)).toEqual({ text: '<script>alert(1)</script>', why: [] });
  });

  it('cuts an oversized prompt with a notice that does not carry the whole input', () => {
    const { params, notices } = normalizeGenParams({ prompt: 'a'.repeat(100_000) });
    expect(params.prompt).toBe('a'.repeat(2000));
    expect(notices).toHaveLength(1);
    expect(String(notices[0].given).length).toBeLessThan(300);
  });

  it('reads the hires SA through normalizeSaParams, with notices under hires.sa', () => {
    const { params, notices } = normalizeGenParams({ hires: { enabled: true, sa: { in: { strength: 99 }, bogus: 1 } } });
    expect(params.hires.enabled).toBe(true);
    expect(params.hires.sa.in.strength).toBe(50);
    expect(params.hires.sa.out).toEqual(DEFAULT_SA_PARAMS.out);
    expect(notices.map((n) => n.path).sort()).toEqual(['hires.sa.bogus', 'hires.sa.in.strength']);
    expect(notices.find((n) => n.path === 'hires.sa.in.strength')!.message).toMatch(/^hires\.sa\.in\.strength: 99 is above/);
  });

  it('reports unknown keys and non-objects', () => {
    expect(normalizeGenParams({ cfg: 7, hires: { upscaler: 'x' } }).notices.map((n) => n.path)).toEqual(['cfg', 'hires.upscaler']);
    for (const bad of [null, 3, 'x', [1]]) {
      const r = normalizeGenParams(bad);
      expect(r.params).toEqual(DEFAULT_GEN_PARAMS);
      expect(r.notices.map((n) => n.path)).toEqual(['']);
    }
    expect(normalizeGenParams({ hires: 2 }).notices.map((n) => n.path)).toEqual(['hires']);
  });

  it('never throws and always lands inside the ranges (property)', () => {
    const anyInput = fc.oneof(
      fc.anything(),
      fc.record({
        seed: fc.oneof(fc.double(), fc.integer(), fc.string()), steps: fc.anything(), width: fc.double(), height: fc.integer(),
        prompt: fc.oneof(fc.string({ unit: 'binary' }), fc.anything()), scheduler: fc.string(), model: fc.string(),
        hires: fc.record({ scale: fc.double(), sa: fc.anything(), enabled: fc.anything() }, { requiredKeys: [] }),
      }, { requiredKeys: [] }),
    );
    fc.assert(fc.property(anyInput, (input) => expectValidGenParams(normalizeGenParams(input).params)), { numRuns: 500 });
  });
});

describe('generateRequestFrom', () => {
  it('maps the params to the engine request; init and hires only when used', () => {
    const gen: GenParams = { ...DEFAULT_GEN_PARAMS, seed: 9, denoise: 0.6, steps: 20, guidance: 7.5, width: 512, height: 512, scheduler: 'euler' };
    const sa = setSaParam(DEFAULT_SA_PARAMS, 'in.strength', 9);
    const plain = generateRequestFrom(gen, sa);
    expect(plain).toEqual({ prompt: gen.prompt, negativePrompt: '', seed: 9, steps: 20, guidance: 7.5, width: 512, height: 512, scheduler: 'euler', sa });
    const image = { width: 1, height: 1, data: new Uint8ClampedArray(4) };
    const full = generateRequestFrom({ ...gen, hires: { ...gen.hires, enabled: true } }, sa, image);
    expect(full.init).toEqual({ image, strength: 0.6 });
    expect(full.hires).toEqual({ scale: 1.5, denoise: 0.5, steps: 10, sa: DEFAULT_GEN_PARAMS.hires.sa });
  });
});
