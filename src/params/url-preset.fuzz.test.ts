// Fuzz of URL preset decoding: malformed, random, out-of-range and oversized queries never throw,
// always give valid parameters, and every value not used as written in the link has a notice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, type Notice } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS, type ParamSet } from './gen-params.ts';
import { genParamsViolations, saParamsViolations } from './gen-params.test-util.ts';
import { decodeUrlPreset, queryPart } from './url-preset.ts';

type Kind = 'number' | 'boolean' | 'text';
interface KnownParam { key: string; path: string; kind: Kind; get: (p: ParamSet) => unknown; def: unknown }

// The v1 format written out by hand (url-preset.ts's header), so the tables under test do not
// define the oracle.
const GEN: [string, string, Kind][] = [
  ['m', 'model', 'text'], ['p', 'prompt', 'text'], ['n', 'negativePrompt', 'text'], ['s', 'seed', 'number'],
  ['st', 'steps', 'number'], ['g', 'guidance', 'number'], ['w', 'width', 'number'], ['h', 'height', 'number'],
  ['sc', 'scheduler', 'text'], ['d', 'denoise', 'number'], ['hr', 'hires.enabled', 'boolean'],
  ['hs', 'hires.scale', 'number'], ['hd', 'hires.denoise', 'number'], ['hst', 'hires.steps', 'number'],
];
const SA: [string, Kind][] = [
  ['enabled', 'boolean'], ['time_decay', 'number'], ['peak_time', 'number'], ['keep_middle', 'boolean'],
  ...(['in', 'out'] as const).flatMap((side): [string, Kind][] => [
    [`${side}.strength`, 'number'], [`${side}.depth_decay`, 'number'], [`${side}.mode`, 'text'], [`${side}.k_blend`, 'number'], [`${side}.v_blend`, 'number'],
  ]),
];

const at = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
const DEFAULTS: ParamSet = { gen: DEFAULT_GEN_PARAMS, sa: DEFAULT_SA_PARAMS };
const KNOWN: KnownParam[] = [
  ...GEN.map(([key, path, kind]) => ({ key, path, kind, get: (p: ParamSet) => at(p.gen, path), def: at(DEFAULTS.gen, path) })),
  ...SA.map(([path, kind]) => ({ key: `sa.${path}`, path: `sa.${path}`, kind, get: (p: ParamSet) => at(p.sa, path), def: at(DEFAULTS.sa, path) })),
  ...SA.map(([path, kind]) => ({ key: `hsa.${path}`, path: `hires.sa.${path}`, kind, get: (p: ParamSet) => at(p.gen.hires.sa, path), def: at(DEFAULTS.gen.hires.sa, path) })),
];
const KNOWN_KEYS = new Set(['v', ...KNOWN.map((k) => k.key)]);

/** What the link literally says, or undefined when it cannot be read as its kind. */
function literal(kind: Kind, raw: string): unknown {
  if (kind === 'number') return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : undefined;
  if (kind === 'boolean') return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined;
  return raw;
}

/** Every problem with decoding `query` into `out` with `notices` (empty: all reported, all valid). */
function audit(query: string, out: ParamSet, notices: Notice[]): string[] {
  const bad = [...genParamsViolations(out.gen), ...saParamsViolations(out.sa)];
  const q = new URLSearchParams(queryPart(query));
  const noted = (path: string, re?: RegExp) => notices.some((n) => n.path === path && (re ? re.test(n.message) : !/not a parameter/.test(n.message)));
  for (const param of KNOWN) {
    const value = param.get(out);
    const raw = q.get(param.key);
    if (raw === null) {
      if (value !== param.def) bad.push(`${param.key} absent but ${String(value)} is not the default`);
    } else if (value !== literal(param.kind, raw) && !noted(param.path)) {
      bad.push(`${param.key}=${JSON.stringify(raw.slice(0, 40))} became ${JSON.stringify(value)} without a notice`);
    }
  }
  const keys = [...q.keys()];
  for (const key of new Set(keys)) {
    if (!KNOWN_KEYS.has(key) && !noted(key, /not a parameter/)) bad.push(`unknown key ${JSON.stringify(key)} not reported`);
    if (q.getAll(key).length > 1 && !noted(key, /more than once/)) bad.push(`repeated key ${JSON.stringify(key)} not reported`);
  }
  if (keys.length && q.get('v') !== '1' && !noted('v')) bad.push('version not reported');
  return bad;
}

const safeEncode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // lone surrogates
  }
};

const key = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 6 },
  fc.string({ maxLength: 12 }),
  fc.constantFrom('sa.', 'sa.in', 'hsa.in.x', 'steps', 'seed', '__proto__', 'constructor', 'sa.__proto__', 'hires.sa.in.strength', 'V'),
);
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.integer({ min: -10, max: 3000 }).map(String), // near and inside the ranges: rounding, clamping
  fc.double({ min: -2, max: 3000, noNaN: true }).map(String),
  fc.double({ min: -0.5, max: 60, noNaN: true }).map((x) => x.toFixed(2)),
  fc.bigInt().map(String),
  fc.constantFrom('', '-5', '1e9', '-1e9', 'NaN', 'Infinity', '-0', '0x10', ' 12', '12 ', '1,5', '.5', '5.', '+3', '1e400', '4294967296', '2D_MAX', '2d_max', 'euler', 'EULER', '1', '0', 'true', 'false', 'yes', '%ZZ', '<script>alert(1)</script>', 'a\r\nb', '\u0000'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1990, maxLength: 5000 }),
);
// oversized: a 100 kB value (a link pasted from elsewhere, a prompt far over its limit), raw or encoded
const hugeValue = fc.tuple(fc.constantFrom('x', '<b>', '%', '9', '1.5e', 'ÿ', '😀', '&v=1'), fc.integer({ min: 0, max: 9 })).map(([unit, k]) => unit.repeat(Math.ceil(100_000 / unit.length) + k));
const hugePair = fc.tuple(key, hugeValue, fc.boolean()).map(([k, v, encode]) => `&${encode ? `${safeEncode(k)}=${safeEncode(v)}` : `${k}=${v}`}`);
const pair = fc.tuple(key, value, fc.boolean()).map(([k, v, encode]) => (encode ? `${safeEncode(k)}=${safeEncode(v)}` : `${k}=${v}`));
const query = fc.tuple(
  fc.constantFrom('', '?', 'https://example.org/app/?', 'v=1&', 'v=99&'),
  fc.oneof({ arbitrary: fc.array(pair, { maxLength: 12 }).map((ps) => ps.join('&')), weight: 4 }, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 })),
  fc.option(hugePair, { nil: '', freq: 9 }),
).map(([prefix, rest, huge]) => prefix + rest + huge);

describe('decodeUrlPreset fuzz', () => {
  it('1,000 malformed queries (about 100 of them ≥ 100 kB): no exception, valid output, every change reported', () => {
    let withValueNotices = 0;
    let oversized = 0;
    fc.assert(
      fc.property(query, (q) => {
        const { params, notices } = decodeUrlPreset(q);
        expect(audit(q, params, notices)).toEqual([]);
        if (notices.some((n) => !/not a parameter|more than once|version/.test(n.message))) withValueNotices++;
        if (q.length >= 100_000) oversized++;
      }),
      { numRuns: 1000, seed: 20261126 },
    );
    expect(withValueNotices).toBeGreaterThan(300); // the fuzz does reach the value readers
    expect(oversized).toBeGreaterThan(50);
  });

  it('the audit itself catches a silent change (so the fuzz can fail)', () => {
    const out: ParamSet = { gen: { ...DEFAULT_GEN_PARAMS, steps: 1 }, sa: DEFAULT_SA_PARAMS };
    expect(audit('v=1&st=-5', out, [])).toEqual(['st="-5" became 1 without a notice']);
    expect(audit('v=1&zz=1', DEFAULTS, [])).toEqual(['unknown key "zz" not reported']);
    expect(audit('s=3', { ...DEFAULTS, gen: { ...DEFAULT_GEN_PARAMS, seed: 3 } }, [])).toEqual(['version not reported']);
    expect(audit('v=1', { ...DEFAULTS, gen: { ...DEFAULT_GEN_PARAMS, width: 100 } }, [])).toEqual(['width = 100', 'w absent but 100 is not the default']);
  });
});
