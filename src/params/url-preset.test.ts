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

describe('the custom model URL in the link (mu)', () => {
  const custom: ParamSet = { gen: { ...DEFAULT_GEN_PARAMS, model: 'custom' }, sa: DEFAULT_SA_PARAMS };
  const base = 'https://huggingface.co/me/my-sd-onnx/resolve/main';

  it('writes mu with m=custom and reads it back', () => {
    const query = encodeUrlPreset(custom, { customBase: ` ${base} ` });
    expect(query).toBe(`v=1&m=custom&mu=${encodeURIComponent(base)}`);
    expect(decodeUrlPreset(query)).toEqual({ params: custom, notices: [], customBase: base });
  });

  it('writes no mu for a registry model, and ignores one given with it (with a notice)', () => {
    expect(encodeUrlPreset(DEFAULTS, { customBase: base })).toBe('v=1');
    const r = decodeUrlPreset(`v=1&mu=${encodeURIComponent(base)}`);
    expect(r.customBase).toBeUndefined();
    expect(r.notices).toEqual([{ path: 'mu', message: 'mu: a custom model URL is only used with the custom model (m=custom); ignored', given: base }]);
  });

  it('accepts the page origin (http included) and refuses other schemes with what is accepted', () => {
    const origin = 'http://127.0.0.1:4173';
    expect(decodeUrlPreset(`v=1&m=custom&mu=${origin}/models/tiny`, { pageOrigin: origin }).customBase).toBe(`${origin}/models/tiny`);
    for (const bad of ['not a url', 'ftp://example.com/sd', 'javascript:alert(1)', 'http://example.com/sd']) {
      const r = decodeUrlPreset(`v=1&m=custom&mu=${encodeURIComponent(bad)}`, { pageOrigin: origin });
      expect(r.customBase, bad).toBeUndefined();
      expect(r.params.gen.model).toBe('custom');
      expect(r.notices, bad).toHaveLength(1);
      expect(r.notices[0].message, bad).toMatch(/^mu: .* Not used\. .*an https:\/\/ address, or one on this page's own origin \(http:\/\/127\.0\.0\.1:4173\/…\)/);
    }
  });
});

describe('broken percent-encoding', () => {
  it('keeps the undecodable escapes as written and says so (bug: a garbled prompt, no notice)', () => {
    const { params, notices } = decodeUrlPreset('?v=1&p=%E0%A4%A');
    expect(params.gen.prompt).toBe('%E0%A4%A'); // not '\uFFFD%A'
    expect(notices).toEqual([
      { path: 'prompt', message: `p: the link's text has a broken %-escape ("%E0%A4%A"); what does not decode is kept as written — check it`, given: '%E0%A4%A', used: '%E0%A4%A' },
    ]);
  });

  it('decodes the valid escapes around a broken one', () => {
    const { params, notices } = decodeUrlPreset('v=1&p=caf%C3%A9+%E0%A4+ok+%F0%9F%A6%A5');
    expect(params.gen.prompt).toBe('café %E0%A4 ok 🦥');
    expect(paths(notices)).toEqual(['prompt']);
  });

  it('leaves well-formed links alone', () => {
    expect(decodeUrlPreset('v=1&p=caf%C3%A9+%F0%9F%A6%A5').notices).toEqual([]);
  });
});
