// Shareable links: every generation and SA parameter as a compact, versioned URL query, and back.
// Decoding reads any string (a link is untrusted input) and never throws: every value that is not
// used as given is reported as a Notice, and the result is always a valid ParamSet.
//
// Format v1 (only values that differ from the defaults are written; `v` always is):
//   v=1                 format version
//   m  model            p  prompt           n  negative prompt    s  seed
//   st steps            g  guidance (CFG)   w  width              h  height
//   sc scheduler        d  img2img denoise
//   hr hires on (1/0)   hs hires scale      hd hires denoise      hst hires steps
//   sa.<path>           first-pass SA, <path> as in SPEC_SA.md §2: sa.in.strength=8,
//                       sa.out.mode=2D_MAX, sa.enabled=0, sa.time_decay=1
//   hsa.<path>          the hires pass's SA, same paths
// Booleans are 1/0 (true/false also read). Numbers are JavaScript's shortest round-trip decimal
// form (1e-7 allowed). Text is form-encoded by URLSearchParams (space = '+').
// Example: ?v=1&p=a+sloth+astronaut&s=42&st=30&sa.in.strength=8&sa.out.mode=2D_MAX
import { DEFAULT_SA_PARAMS, SA_PARAM_SPECS, getSaParam, normalizeSaParams, type Notice, type SaParamSpec, type SaParams } from '../sa/index.ts';
import {
  DEFAULT_GEN_PARAMS,
  GEN_PARAM_SPECS,
  describeValue,
  getGenParam,
  normalizeGenParams,
  prefixNotices,
  shortGiven,
  type GenParamPath,
  type GenParamSpec,
  type ParamSet,
} from './gen-params.ts';

export const URL_FORMAT_VERSION = 1;

/** Short URL key of each generation parameter (format v1; never reuse a key for another meaning). */
export const GEN_URL_KEYS: Readonly<Record<GenParamPath, string>> = Object.freeze({
  model: 'm',
  prompt: 'p',
  negativePrompt: 'n',
  seed: 's',
  steps: 'st',
  guidance: 'g',
  width: 'w',
  height: 'h',
  scheduler: 'sc',
  denoise: 'd',
  'hires.enabled': 'hr',
  'hires.scale': 'hs',
  'hires.denoise': 'hd',
  'hires.steps': 'hst',
});

/** URL key prefix of each SA parameter set, and the notice path prefix it decodes to. */
export const SA_URL_PREFIXES = Object.freeze({ sa: 'sa', 'hires.sa': 'hsa' } as const);

type Kind = GenParamSpec['kind'] | SaParamSpec['kind'];

function formatValue(kind: Kind, value: unknown): string {
  if (kind === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The v1 query for `set`, without the leading '?'. Assumes valid params (see normalizeGenParams). */
export function encodeUrlPreset(set: ParamSet): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_FORMAT_VERSION));
  for (const spec of GEN_PARAM_SPECS) {
    const value = getGenParam(set.gen, spec.path);
    if (value !== spec.default) q.set(GEN_URL_KEYS[spec.path], formatValue(spec.kind, value));
  }
  writeSa(q, SA_URL_PREFIXES.sa, set.sa, DEFAULT_SA_PARAMS);
  writeSa(q, SA_URL_PREFIXES['hires.sa'], set.gen.hires.sa, DEFAULT_GEN_PARAMS.hires.sa);
  return q.toString();
}

function writeSa(q: URLSearchParams, prefix: string, sa: SaParams, defaults: SaParams): void {
  for (const spec of SA_PARAM_SPECS) {
    const value = getSaParam(sa, spec.path);
    if (value !== getSaParam(defaults, spec.path)) q.set(`${prefix}.${spec.path}`, formatValue(spec.kind, value));
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The typed reading of one query value; text that does not parse as its kind stays a string, so
 * the normalizer reports it ("expected a number, got "abc"") and uses the default.
 */
export function parseQueryValue(kind: Kind, raw: string): unknown {
  if (kind === 'number') return DECIMAL.test(raw) ? Number(raw) : raw;
  if (kind === 'boolean') {
    if (raw === '1' || raw === 'true') return true;
    if (raw === '0' || raw === 'false') return false;
  }
  return raw;
}

/** The query part of a pasted link or query: 'https://x/?a=1#h' → 'a=1', '?a=1' → 'a=1'. */
export function queryPart(linkOrQuery: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(linkOrQuery)) {
    try {
      return new URL(linkOrQuery).search.slice(1);
    } catch {
      return linkOrQuery;
    }
  }
  return linkOrQuery.startsWith('?') ? linkOrQuery.slice(1) : linkOrQuery;
}

type Nested = Record<string, unknown>;

function setPath(root: Nested, path: string, value: unknown): void {
  const [head, key] = path.split('.') as [string, string | undefined];
  if (key === undefined) root[head] = value;
  else root[head] = { ...(root[head] as Nested | undefined), [key]: value };
}

const GEN_BY_KEY = new Map(GEN_PARAM_SPECS.map((s) => [GEN_URL_KEYS[s.path], s]));
const SA_BY_PATH = new Map(SA_PARAM_SPECS.map((s) => [s.path as string, s]));

function versionNotice(q: URLSearchParams): Notice[] {
  const v = q.get('v');
  if (v === String(URL_FORMAT_VERSION)) return [];
  if (v === null) {
    return [...q.keys()].length === 0 ? [] : [{ path: 'v', message: `The link has no format version (v=${URL_FORMAT_VERSION}); reading it as v${URL_FORMAT_VERSION}` }];
  }
  return [{ path: 'v', message: `The link's format version ${describeValue(v)} is not one this app knows (v${URL_FORMAT_VERSION}); reading it as v${URL_FORMAT_VERSION}, some values may be misread`, given: v, used: URL_FORMAT_VERSION }];
}

/**
 * Reads a query string (with or without '?', or a whole link) into valid parameters. Missing
 * values take their defaults; each unknown key, repeated key, wrong version and value not used
 * as given adds a Notice. Never throws.
 */
export function decodeUrlPreset(linkOrQuery: string): { params: ParamSet; notices: Notice[] } {
  const q = new URLSearchParams(queryPart(linkOrQuery));
  const notices = versionNotice(q);
  const gen: Nested = {};
  const sa: Record<keyof typeof SA_URL_PREFIXES, Nested> = { sa: {}, 'hires.sa': {} };
  const seen = new Set<string>();
  for (const [key, raw] of q) {
    if (seen.has(key)) {
      notices.push({ path: key, message: `${key}: given more than once; using the first value`, given: shortGiven(raw) });
      continue;
    }
    seen.add(key);
    if (key === 'v') continue;
    const genSpec = GEN_BY_KEY.get(key);
    if (genSpec) {
      setPath(gen, genSpec.path, parseQueryValue(genSpec.kind, raw));
      continue;
    }
    const dot = key.indexOf('.');
    const target = (Object.keys(SA_URL_PREFIXES) as (keyof typeof SA_URL_PREFIXES)[]).find((t) => SA_URL_PREFIXES[t] === key.slice(0, dot));
    const saSpec = dot > 0 ? SA_BY_PATH.get(key.slice(dot + 1)) : undefined;
    if (target && saSpec) setPath(sa[target], saSpec.path, parseQueryValue(saSpec.kind, raw));
    else notices.push({ path: key, message: `${describeValue(key)}: not a parameter this app knows; ignored`, given: shortGiven(raw) });
  }
  gen.hires = { ...(gen.hires as Nested | undefined), sa: mergeSa(DEFAULT_GEN_PARAMS.hires.sa, sa['hires.sa']) };
  const g = normalizeGenParams(gen);
  const s = normalizeSaParams(sa.sa);
  notices.push(...g.notices, ...prefixNotices(s.notices, 'sa'));
  return { params: { gen: g.params, sa: s.params }, notices };
}

/** `partial` over `base` per side (the hires SA defaults are not the global SA defaults). */
function mergeSa(base: SaParams, partial: Nested): Nested {
  return {
    ...base, ...partial,
    in: { ...base.in, ...(partial.in as Nested | undefined) },
    out: { ...base.out, ...(partial.out as Nested | undefined) },
  };
}
