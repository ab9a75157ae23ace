// SA parameters: defaults and ranges as SPEC_SA.md §2 states them, and reading untrusted input
// (merge, clamp, type fallbacks, unknown keys) without ever throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SA_PARAMS,
  SA_PARAM_SPECS,
  getSaParam,
  normalizeSaParams,
  parseSaJson,
  saParamSpec,
  saParamsToJson,
  setSaParam,
  type SaParams,
} from './params.ts';

// Copied by hand from SPEC_SA.md §2 ("The canonical JSON form").
const SPEC_JSON = `{"enabled": true, "time_decay": 2, "peak_time": 0.4, "keep_middle": true,
 "in":  {"strength": 6, "depth_decay": 2, "mode": "2D_AVG", "k_blend": 0, "v_blend": 0},
 "out": {"strength": 4, "depth_decay": 2, "mode": "2D_AVG", "k_blend": 0, "v_blend": 0}}`;

// The range column of SPEC_SA.md §2's table.
const SPEC_RANGES: [string, number, number][] = [
  ['time_decay', 0, 4],
  ['peak_time', 0, 1],
  ['in.strength', 0, 50],
  ['out.strength', 0, 50],
  ['in.depth_decay', 0, 4],
  ['out.depth_decay', 0, 4],
  ['in.k_blend', 0, 1],
  ['in.v_blend', 0, 1],
  ['out.k_blend', 0, 1],
  ['out.v_blend', 0, 1],
];

describe('defaults and parameter table', () => {
  it('DEFAULT_SA_PARAMS is the canonical JSON of the spec, in key order', () => {
    expect(DEFAULT_SA_PARAMS).toEqual(JSON.parse(SPEC_JSON));
    expect(saParamsToJson(DEFAULT_SA_PARAMS)).toBe(JSON.stringify(JSON.parse(SPEC_JSON)));
  });

  it('has one spec per parameter, each default equal to DEFAULT_SA_PARAMS', () => {
    const paths = SA_PARAM_SPECS.map((s) => s.path);
    expect(new Set(paths).size).toBe(14); // 4 top-level + 5 per side
    for (const spec of SA_PARAM_SPECS) {
      expect(spec.default, spec.path).toEqual(getSaParam(DEFAULT_SA_PARAMS, spec.path));
      expect(spec.label.length, spec.path).toBeGreaterThan(0);
      expect(spec.tooltip.length, spec.path).toBeGreaterThan(20);
    }
    expect(saParamSpec('in.mode')).toMatchObject({ kind: 'enum', options: ['2D_AVG', '2D_MAX', '1D_AVG', '1D_MAX'] });
    expect(saParamSpec('keep_middle').kind).toBe('boolean');
  });

  it.each(SPEC_RANGES)('%s ranges over [%d, %d]', (path, min, max) => {
    const spec = SA_PARAM_SPECS.find((s) => s.path === path);
    expect(spec).toMatchObject({ kind: 'number', min, max });
  });

  it('is frozen so nobody edits the defaults in place', () => {
    expect(Object.isFrozen(DEFAULT_SA_PARAMS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SA_PARAMS.in)).toBe(true);
  });

  it('getSaParam / setSaParam read and replace one value without touching the rest', () => {
    const p = setSaParam(DEFAULT_SA_PARAMS, 'out.v_blend', 0.5);
    expect(p.out).toEqual({ strength: 4, depth_decay: 2, mode: '2D_AVG', k_blend: 0, v_blend: 0.5 });
    expect(p.in).toBe(DEFAULT_SA_PARAMS.in);
    expect(getSaParam(setSaParam(p, 'keep_middle', false), 'keep_middle')).toBe(false);
    expect(DEFAULT_SA_PARAMS.out.v_blend).toBe(0);
  });
});

describe('normalizeSaParams', () => {
  it('gives the defaults and no notices for undefined and {}', () => {
    for (const input of [undefined, {}]) {
      const { params, notices } = normalizeSaParams(input);
      expect(params).toEqual(DEFAULT_SA_PARAMS);
      expect(notices).toEqual([]);
    }
  });

  it('merges a partial object over the defaults', () => {
    const { params, notices } = normalizeSaParams({ keep_middle: false, in: { strength: 8, mode: '1D_MAX' } });
    expect(notices).toEqual([]);
    expect(params).toEqual({
      ...DEFAULT_SA_PARAMS,
      keep_middle: false,
      in: { strength: 8, depth_decay: 2, mode: '1D_MAX', k_blend: 0, v_blend: 0 },
    });
  });

  it('reports unknown keys and ignores them', () => {
    const { params, notices } = normalizeSaParams({ strength: 9, in: { strenght: 9, k_blend: 0.5 } });
    expect(params).toEqual(setSaParam(DEFAULT_SA_PARAMS, 'in.k_blend', 0.5));
    expect(notices.map((n) => n.path)).toEqual(['strength', 'in.strenght']);
    expect(notices[1].message).toMatch(/unknown/);
  });

  // given → used, from the §2 ranges; ±Infinity clamp to the range ends.
  it.each([
    ['in.strength', 80, 50],
    ['in.strength', -1, 0],
    ['out.strength', Infinity, 50],
    ['out.depth_decay', -Infinity, 0],
    ['peak_time', 1.5, 1],
    ['time_decay', 4.0001, 4],
    ['in.v_blend', -0.2, 0],
  ] as const)('clamps %s = %d to %d and says so', (path, given, used) => {
    const [head, key] = path.split('.');
    const input = key ? { [head]: { [key]: given } } : { [head]: given };
    const { params, notices } = normalizeSaParams(input);
    expect(getSaParam(params, path)).toBe(used);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ path, given, used });
  });

  it('keeps in-range values exactly, range ends included', () => {
    const { params, notices } = normalizeSaParams({ peak_time: 0, time_decay: 4, in: { strength: 50, v_blend: 1 } });
    expect(notices).toEqual([]);
    expect([params.peak_time, params.time_decay, params.in.strength, params.in.v_blend]).toEqual([0, 4, 50, 1]);
  });

  it.each([
    ['in.strength', NaN, 6],
    ['in.strength', '8', 6],
    ['enabled', 'yes', true],
    ['keep_middle', 0, true],
    ['in.mode', '2d_avg', '2D_AVG'],
    ['out.mode', 'BILINEAR', '2D_AVG'],
    ['time_decay', null, 2],
  ] as const)('falls back to the default for %s = %s', (path, given, used) => {
    const [head, key] = path.split('.');
    const input = key ? { [head]: { [key]: given } } : { [head]: given };
    const { params, notices } = normalizeSaParams(input);
    expect(getSaParam(params, path)).toBe(used);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ path, used });
    expect(notices[0].message).toContain(path);
  });

  it('replaces a non-object side or root with defaults and one notice', () => {
    const side = normalizeSaParams({ in: 5, out: { strength: 3 } });
    expect(side.params).toEqual(setSaParam(DEFAULT_SA_PARAMS, 'out.strength', 3));
    expect(side.notices.map((n) => n.path)).toEqual(['in']);
    for (const root of [null, 7, 'x', [1, 2], true]) {
      const r = normalizeSaParams(root);
      expect(r.params).toEqual(DEFAULT_SA_PARAMS);
      expect(r.notices.map((n) => n.path)).toEqual(['']);
    }
  });

  it('never throws and always lands inside the ranges (property)', () => {
    const anyParams = fc.oneof(
      fc.anything(),
      fc.record({ in: fc.anything(), out: fc.dictionary(fc.string(), fc.anything()), time_decay: fc.double(), peak_time: fc.anything() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(anyParams, (input) => {
        const { params } = normalizeSaParams(input);
        for (const spec of SA_PARAM_SPECS) {
          if (spec.kind === 'number') {
            const v = getSaParam(params, spec.path);
            expect(v >= spec.min && v <= spec.max).toBe(true);
          } else if (spec.kind === 'boolean') expect(typeof getSaParam(params, spec.path)).toBe('boolean');
          else expect(spec.options).toContain(getSaParam(params, spec.path));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not share objects with its input', () => {
    const input = { in: { strength: 7 } };
    const { params } = normalizeSaParams(input);
    expect(params.in).not.toBe(input.in);
    input.in.strength = 1;
    expect(params.in.strength).toBe(7);
  });
});

describe('parseSaJson', () => {
  it('round-trips through the canonical JSON', () => {
    const p: SaParams = {
      enabled: false, time_decay: 0.5, peak_time: 0.25, keep_middle: false,
      in: { strength: 12.5, depth_decay: 1, mode: '2D_MAX', k_blend: 0.25, v_blend: 1 },
      out: { strength: 3, depth_decay: 3.5, mode: '1D_AVG', k_blend: 0, v_blend: 0.75 },
    };
    expect(parseSaJson(saParamsToJson(p))).toEqual({ params: p, notices: [] });
  });

  it('gives the defaults and a notice for text that is not JSON', () => {
    const { params, notices } = parseSaJson('{"in": {strength: 6}');
    expect(params).toEqual(DEFAULT_SA_PARAMS);
    expect(notices).toHaveLength(1);
    expect(notices[0].path).toBe('');
    expect(notices[0].message).toMatch(/not valid JSON/);
  });

  it('reports a JSON __proto__ key as unknown instead of using it', () => {
    const { params, notices } = parseSaJson('{"__proto__": {"enabled": false}}');
    expect(params.enabled).toBe(true);
    expect(notices.map((n) => n.path)).toEqual(['__proto__']);
  });
});
