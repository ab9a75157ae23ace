// Shareable links: every generation and SA parameter as a compact, versioned URL query, and back.
// Decoding reads any string (a link is untrusted input) and never throws: every value that is not
// used as given is reported as a Notice, and the result is always a valid ParamSet.
//
// Format v1 (only values that differ from the defaults are written; `v` always is):
//   v=1                 format version
//   m  model            p  prompt           n  negative prompt    s  seed
//   st steps            g  guidance (CFG)   w  width              h  height
//   sc scheduler        d  img2img denoise
//   mu custom model base URL (only with m=custom; checked like any custom URL, see model-url.ts)
//   hr hires on (1/0)   hs hires scale      hd hires denoise      hst hires steps
//   sa.<path>           first-pass SA, <path> as in SPEC_SA.md §2: sa.in.strength=8,
//                       sa.out.mode=2D_MAX, sa.enabled=0, sa.time_decay=1
//   hsa.<path>          the hires pass's SA, same paths
// Booleans are 1/0 (true/false also read). Numbers are JavaScript's shortest round-trip decimal
// form (1e-7 allowed). Text is form-encoded by URLSearchParams (space = '+'); a broken %-escape
// (a hand-edited or cut link) is kept as written, with a notice.
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
import { checkModelBase } from './model-url.ts';

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

/** URL key of the custom model's base URL (not a ParamSet value: it lives beside the model id). */
export const CUSTOM_BASE_URL_KEY = 'mu';

/** What a link carries beside the parameters. */
export interface UrlPresetExtras {
  /** the custom model's base URL; written only with model 'custom' */
  customBase?: string;
}

/** URL key prefix of each SA parameter set, and the notice path prefix it decodes to. */
export const SA_URL_PREFIXES = Object.freeze({ sa: 'sa', 'hires.sa': 'hsa' } as const);

type Kind = GenParamSpec['kind'] | SaParamSpec['kind'];

function formatValue(kind: Kind, value: unknown): string {
  if (kind === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The v1 query for `set`, without the leading '?'. Assumes valid params (see normalizeGenParams). */
export function encodeUrlPreset(set: ParamSet, extras: UrlPresetExtras = {}): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_FORMAT_VERSION));
  for (const spec of GEN_PARAM_SPECS) {
    const value = getGenParam(set.gen, spec.path);
    if (value !== spec.default) q.set(GEN_URL_KEYS[spec.path], formatValue(spec.kind, value));
    if (spec.path === 'model' && value === 'custom' && extras.customBase?.trim()) q.set(CUSTOM_BASE_URL_KEY, extras.customBase.trim());
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

/**
 * One form-encoded query component, decoded as URLSearchParams does ('+' = space), except that a
 * %-escape that is not UTF-8 (`%E0%A4%A`: a cut or hand-edited link) stays as written instead of
 * becoming U+FFFD; `broken` says the component had one (or a '%' that starts no escape).
 */
export function decodeQueryComponent(raw: string): { text: string; broken: boolean } {
  // Escape by escape, each decode's result used: a bare `try { decodeURIComponent(x) }` as a test
  // is dropped by the minifier (it takes the call as pure), and the check with it.
  const plus = raw.replace(/\+/g, ' ');
  let broken = /%(?![0-9a-f]{2})/i.test(plus);
  const text = plus.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    let out = '';
    for (let i = 0; i < run.length; ) {
      const lead = parseInt(run.slice(i + 1, i + 3), 16);
      const bytes = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1; // UTF-8 sequence length
      try {
        out += decodeURIComponent(run.slice(i, i + 3 * bytes));
        i += 3 * bytes;
      } catch {
        out += run.slice(i, i + 3);
        i += 3;
        broken = true;
      }
    }
    return out;
  });
  return broken ? { text, broken } : { text: formDecode(raw), broken };
}

/** `raw` decoded exactly as URLSearchParams decodes a name or value (raw holds no '&'). */
const formDecode = (raw: string): string => new URLSearchParams(`k=${raw}`).get('k') ?? '';

/** The query's key/value pairs in order: keys as URLSearchParams reads them, values by decodeQueryComponent. */
function queryPairs(query: string): { key: string; value: string; broken: boolean; raw: string }[] {
  return (query.startsWith('?') ? query.slice(1) : query) // as URLSearchParams reads it
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const raw = eq < 0 ? '' : part.slice(eq + 1);
      const value = decodeQueryComponent(raw);
      return { key: formDecode(eq < 0 ? part : part.slice(0, eq)), value: value.text, broken: value.broken, raw };
    });
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
 * values take their defaults; each unknown key, repeated key, wrong version, broken %-escape and
 * value not used as given adds a Notice. A custom model's base URL (`mu`) is checked as
 * checkModelBase does against `pageOrigin`. Never throws.
 */
export function decodeUrlPreset(linkOrQuery: string, opts: { pageOrigin?: string } = {}): { params: ParamSet; notices: Notice[] } & UrlPresetExtras {
  const query = queryPart(linkOrQuery);
  const notices = versionNotice(new URLSearchParams(query));
  const gen: Nested = {};
  const sa: Record<keyof typeof SA_URL_PREFIXES, Nested> = { sa: {}, 'hires.sa': {} };
  const seen = new Set<string>();
  let baseGiven: string | undefined;
  for (const { key, value: raw, broken, raw: escaped } of queryPairs(query)) {
    if (seen.has(key)) {
      notices.push({ path: key, message: `${key}: given more than once; using the first value`, given: shortGiven(raw) });
      continue;
    }
    seen.add(key);
    if (broken) {
      const message = `${key}: the link's text has a broken %-escape (${describeValue(escaped)}); what does not decode is kept as written — check it`;
      notices.push({ path: GEN_BY_KEY.get(key)?.path ?? key, message, given: shortGiven(escaped), used: shortGiven(raw) });
    }
    if (key === 'v') continue;
    if (key === CUSTOM_BASE_URL_KEY) {
      baseGiven = raw;
      continue;
    }
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
  const customBase = baseGiven === undefined ? undefined : readCustomBase(baseGiven, g.params.model, opts.pageOrigin, notices);
  return { params: { gen: g.params, sa: s.params }, notices, ...(customBase === undefined ? {} : { customBase }) };
}

/** The link's `mu`, when it is a model URL the app accepts and the model is 'custom'; else a notice. */
function readCustomBase(given: string, model: string, pageOrigin: string | undefined, notices: Notice[]): string | undefined {
  const key = CUSTOM_BASE_URL_KEY;
  if (model !== 'custom') {
    notices.push({ path: key, message: `${key}: a custom model URL is only used with the custom model (m=custom); ignored`, given: shortGiven(given) });
    return undefined;
  }
  const check = checkModelBase(given, pageOrigin);
  if (check.ok) return check.base;
  notices.push({ path: key, message: `${key}: ${check.message} Not used. ${check.hint}`, given: shortGiven(given) });
  return undefined;
}

/** `partial` over `base` per side (the hires SA defaults are not the global SA defaults). */
function mergeSa(base: SaParams, partial: Nested): Nested {
  return {
    ...base, ...partial,
    in: { ...base.in, ...(partial.in as Nested | undefined) },
    out: { ...base.out, ...(partial.out as Nested | undefined) },
  };
}
