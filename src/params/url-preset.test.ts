// URL presets: the v1 format by example, exact round trips of random valid parameter sets, and a
// fuzz of malformed links (no exceptions, valid output, every change reported).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, setSaParam, type Notice } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, type GenParams, type ParamSet } from './gen-params.ts';
import { genParamsArb, genParamsViolations, saParamsArb, saParamsViolations } from './gen-params.test-util.ts';
import { decodeUrlPreset, encodeUrlPreset } from './url-preset.ts';

const DEFAULTS: ParamSet = { gen: DEFAULT_GEN_PARAMS, sa: DEFAULT_SA_PARAMS };
const paths = (notices: Notice[]) => notices.map((n) => n.path);

describe('the v1 format by example', () => {
  it('writes only the version for the defaults, and reads an empty query as the defaults', () => {
    expect(encodeUrlPreset(DEFAULTS)).toBe('v=1');
    for (const q of ['', '?', 'v=1', '?v=1']) expect(decodeUrlPreset(q)).toEqual({ params: DEFAULTS, notices: [] });
  });

  it('writes short keys for changed values only', () => {
    const gen: GenParams = { ...DEFAULT_GEN_PARAMS, prompt: 'a sloth astronaut', seed: 42, steps: 30, hires: { ...DEFAULT_GEN_PARAMS.hires, enabled: true } };
    const sa = setSaParam(setSaParam(DEFAULT_SA_PARAMS, 'in.strength', 8), 'out.mode', '2D_MAX');
    const query = encodeUrlPreset({ gen, sa });
    expect(query).toBe('v=1&p=a+sloth+astronaut&s=42&st=30&hr=1&sa.in.strength=8&sa.out.mode=2D_MAX');
    expect(decodeUrlPreset(`?${query}`)).toEqual({ params: { gen, sa }, notices: [] });
  });

  it('writes the hires SA relative to its own defaults (the second-pass preset)', () => {
    const hiresSa = setSaParam(DEFAULT_GEN_PARAMS.hires.sa, 'enabled', false);
    const gen = { ...DEFAULT_GEN_PARAMS, hires: { ...DEFAULT_GEN_PARAMS.hires, sa: hiresSa } };
    expect(encodeUrlPreset({ gen, sa: DEFAULT_SA_PARAMS })).toBe('v=1&hsa.enabled=0');
    expect(decodeUrlPreset('v=1&hsa.enabled=false').params.gen.hires.sa).toEqual(hiresSa);
  });

  it('reads the documented example link', () => {
    const { params, notices } = decodeUrlPreset('https://example.org/slothful/?v=1&p=a+sloth+astronaut&s=42&st=30&sa.in.strength=8&sa.out.mode=2D_MAX#top');
    expect(notices).toEqual([]);
    expect(params.gen).toEqual({ ...DEFAULT_GEN_PARAMS, prompt: 'a sloth astronaut', seed: 42, steps: 30 });
    expect(params.sa.in.strength).toBe(8);
    expect(params.sa.out.mode).toBe('2D_MAX');
  });
});

describe('decoding hand-written bad links', () => {
  it('clamps steps=-5 to 1 and says so', () => {
    const { params, notices } = decodeUrlPreset('v=1&st=-5');
    expect(params.gen.steps).toBe(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ path: 'steps', given: -5, used: 1 });
  });

  it('clamps sa.in.strength=1e9 to 50 and says so', () => {
    const { params, notices } = decodeUrlPreset('v=1&sa.in.strength=1e9');
    expect(params.sa).toEqual(setSaParam(DEFAULT_SA_PARAMS, 'in.strength', 50));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ path: 'sa.in.strength', given: 1e9, used: 50 });
    expect(notices[0].message).toMatch(/^sa\.in\.strength: 1000000000 is above the maximum 50/);
  });

  it('reports unknown keys (and unknown SA paths) and ignores them', () => {
    const { params, notices } = decodeUrlPreset('v=1&utm_source=x&steps=9&sa.in.strenght=3&sa.depth=1&hsa.=2&s=5');
    expect(params).toEqual({ gen: { ...DEFAULT_GEN_PARAMS, seed: 5 }, sa: DEFAULT_SA_PARAMS });
    expect(paths(notices)).toEqual(['utm_source', 'steps', 'sa.in.strenght', 'sa.depth', 'hsa.']);
    expect(notices.every((n) => /not a parameter/.test(n.message))).toBe(true);
  });

  it('keeps <script> in the prompt as literal text', () => {
    const prompt = '<script>alert("x")</script><img src=x onerror=alert(1)> & co';
    const query = `v=1&p=${encodeURIComponent(prompt)}`;
    const { params, notices } = decodeUrlPreset(query);
    expect(notices).toEqual([]);
    expect(params.gen.prompt).toBe(prompt);
    expect(typeof params.gen.prompt).toBe('string');
    expect(decodeUrlPreset(encodeUrlPreset(params)).params.gen.prompt).toBe(prompt);
  });

  it('reads a v=99 link as v1 with a notice', () => {
    const { params, notices } = decodeUrlPreset('v=99&s=7');
    expect(params.gen.seed).toBe(7);
    expect(paths(notices)).toEqual(['v']);
    expect(notices[0].message).toMatch(/version "99" is not one this app knows/);
  });

  it('notes a missing version only when there is something to read', () => {
    expect(paths(decodeUrlPreset('s=7').notices)).toEqual(['v']);
    expect(decodeUrlPreset('s=7').params.gen.seed).toBe(7);
  });

  it('uses the first of repeated keys and says so', () => {
    const { params, notices } = decodeUrlPreset('v=1&s=1&s=2&v=1');
    expect(params.gen.seed).toBe(1);
    expect(paths(notices)).toEqual(['s', 'v']);
  });

  it('cuts a 100,000-character prompt to 2000 with a notice', () => {
    const { params, notices } = decodeUrlPreset(`v=1&p=${'x'.repeat(100_000)}`);
    expect(params.gen.prompt).toBe('x'.repeat(2000));
    expect(paths(notices)).toEqual(['prompt']);
    expect(notices[0].message).toMatch(/cut to 2000 characters \(was 100000\)/);
  });

  it('reads random junk as the defaults, with notices and no exception', () => {
    for (const junk of ['%%%&&==?x=%ZZ&=', '=&=', 'st', 'p', '%E0%A4%A', '\u0000\uD800', 'v=1&st=0x10&g=Infinity&w=1e400&h=NaN']) {
      const { params, notices } = decodeUrlPreset(junk);
      expect(genParamsViolations(params.gen)).toEqual([]);
      expect(notices.length, junk).toBeGreaterThan(0);
    }
    const r = decodeUrlPreset('v=1&st=0x10&g=Infinity&w=1e400&h=NaN&sc=EULER&hr=yes&sa.in.mode=2d_avg');
    expect(r.params).toEqual({ gen: { ...DEFAULT_GEN_PARAMS, width: 2048 }, sa: DEFAULT_SA_PARAMS });
    expect(paths(r.notices)).toEqual(['steps', 'guidance', 'width', 'height', 'scheduler', 'hires.enabled', 'sa.in.mode']);
  });

  it('rounds sizes to a multiple of 8 with a notice', () => {
    const { params, notices } = decodeUrlPreset('v=1&w=100&h=513');
    expect([params.gen.width, params.gen.height]).toEqual([104, 512]);
    expect(notices.map((n) => n.message)).toEqual(['width: 100 is not a multiple of 8; using 104', 'height: 513 is not a multiple of 8; using 512']);
  });
});

describe('round trip', () => {
  it('decode(encode(p)) = p with no notices, for 1,000 random valid parameter sets', () => {
    fc.assert(
      fc.property(genParamsArb, saParamsArb(DEFAULT_SA_PARAMS), (gen, sa) => {
        expect([...genParamsViolations(gen), ...saParamsViolations(sa)]).toEqual([]); // the generator makes valid sets
        const query = encodeUrlPreset({ gen, sa });
        expect(query).toMatch(/^v=1(&|$)/);
        expect(decodeUrlPreset(query)).toEqual({ params: { gen, sa }, notices: [] });
      }),
      { numRuns: 1000 },
    );
  });
});
