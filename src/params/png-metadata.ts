// Generation parameters inside PNG files. Two text chunks are written before IEND:
//   `parameters` — A1111-style text, read by other tools:
//       prompt
//       Negative prompt: …                      (only when there is one)
//       Steps: 20, Sampler: Euler, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: tiny,
//       [Denoising strength: 0.75,] [Hires upscale: 1.5, Hires steps: 10, Hires denoise: 0.5,]
//       SlothfulAttention: "{json}"[, SlothfulAttention hires: "{json}"]
//     (the last three lines are one line; JSON values are quoted as A1111 quotes values with commas)
//   `slothful` — our own versioned JSON: {"format":"slothful","version":1,"gen":{…},"sa":{…}}
// Reading prefers `slothful` and falls back to `parameters`; both go through normalizeGenParams /
// normalizeSaParams, because a dropped PNG is untrusted input.
import { normalizeSaParams, parseSaJson, saParamsToJson, type Notice } from '../sa/index.ts';
import { SCHEDULER_LABELS, normalizeGenParams, prefixNotices, type ParamSet } from './gen-params.ts';
import { insertPngText, readPngText, type PngText } from '../image/png.ts';

export const PNG_PARAMS_VERSION = 1;
export const A1111_KEYWORD = 'parameters';
export const SLOTHFUL_KEYWORD = 'slothful';

export interface PngParamsOptions {
  /** the image came from img2img: write its denoise strength */
  img2img?: boolean;
}

/** A1111 quotes a value that holds a comma, colon or newline as a JSON string. */
function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

/** The A1111-style `parameters` text. */
export function a1111Text({ gen, sa }: ParamSet, opts: PngParamsOptions = {}): string {
  const fields: [string, string | number][] = [
    ['Steps', gen.steps],
    ['Sampler', SCHEDULER_LABELS[gen.scheduler]],
    ['CFG scale', gen.guidance],
    ['Seed', gen.seed],
    ['Size', `${gen.width}x${gen.height}`],
    ['Model', gen.model],
  ];
  if (opts.img2img) fields.push(['Denoising strength', gen.denoise]);
  if (gen.hires.enabled) fields.push(['Hires upscale', gen.hires.scale], ['Hires steps', gen.hires.steps], ['Hires denoise', gen.hires.denoise]);
  fields.push(['SlothfulAttention', saParamsToJson(sa)]);
  if (gen.hires.enabled) fields.push(['SlothfulAttention hires', saParamsToJson(gen.hires.sa)]);
  const lines = [gen.prompt];
  if (gen.negativePrompt) lines.push(`Negative prompt: ${gen.negativePrompt}`);
  lines.push(fields.map(([k, v]) => `${k}: ${quote(String(v))}`).join(', '));
  return lines.join('\n');
}

/** Our JSON chunk's text. */
export function slothfulJson({ gen, sa }: ParamSet): string {
  return JSON.stringify({ format: 'slothful', version: PNG_PARAMS_VERSION, gen, sa: JSON.parse(saParamsToJson(sa)) });
}

export function pngParamsTexts(set: ParamSet, opts: PngParamsOptions = {}): PngText[] {
  return [
    { keyword: A1111_KEYWORD, text: a1111Text(set, opts) },
    { keyword: SLOTHFUL_KEYWORD, text: slothfulJson(set) },
  ];
}

/** A copy of the PNG `png` carrying the parameters (replacing any it had). Throws PngFormatError for a non-PNG. */
export function writePngParams(png: Uint8Array, set: ParamSet, opts: PngParamsOptions = {}): Uint8Array {
  return insertPngText(png, pngParamsTexts(set, opts));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function fromSlothfulJson(text: string): { params: ParamSet; notices: Notice[] } {
  const notices: Notice[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (!isRecord(doc)) {
    notices.push({ path: '', message: `The PNG's ${SLOTHFUL_KEYWORD} chunk is not a JSON object; using the defaults` });
    doc = {};
  }
  const { version, gen, sa, format, ...rest } = doc as Record<string, unknown>;
  if (version !== PNG_PARAMS_VERSION || (format !== undefined && format !== 'slothful')) {
    notices.push({ path: 'version', message: `The PNG's parameters have version ${version === undefined ? 'none' : JSON.stringify(version)}; reading them as version ${PNG_PARAMS_VERSION}`, given: version });
  }
  for (const key of Object.keys(rest)) notices.push({ path: key, message: `${key}: unknown field in the PNG's parameters, ignored` });
  const g = normalizeGenParams(gen ?? {});
  const s = normalizeSaParams(sa ?? {});
  return { params: { gen: g.params, sa: s.params }, notices: [...notices, ...g.notices, ...prefixNotices(s.notices, 'sa')] };
}

const SAMPLER_BY_LABEL = new Map(Object.entries(SCHEDULER_LABELS).map(([name, label]) => [label.toLowerCase(), name]));
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const numberOr = (raw: string): number | string => (DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw);

/** `Key: value, Key: "quoted, value", …` as A1111 writes its last line. */
function parseFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const m of line.matchAll(/\s*(\w[\w \-/+]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g)) {
    let value = m[2].trim();
    if (value.startsWith('"')) {
      try {
        value = String(JSON.parse(value));
      } catch {
        // keep the text as written
      }
    }
    if (!fields.has(m[1])) fields.set(m[1], value);
  }
  return fields;
}

type FieldReader = (value: string, gen: Record<string, unknown>, hires: Record<string, unknown>) => void;
const A1111_FIELDS: Record<string, FieldReader> = {
  Steps: (v, g) => (g.steps = numberOr(v)),
  Sampler: (v, g) => (g.scheduler = SAMPLER_BY_LABEL.get(v.toLowerCase()) ?? v),
  'CFG scale': (v, g) => (g.guidance = numberOr(v)),
  Seed: (v, g) => (g.seed = numberOr(v)),
  Size: (v, g) => {
    const m = /^(\d+)x(\d+)$/.exec(v);
    g.width = m ? Number(m[1]) : v;
    g.height = m ? Number(m[2]) : v;
  },
  Model: (v, g) => (g.model = v),
  'Denoising strength': (v, g) => (g.denoise = numberOr(v)),
  'Hires upscale': (v, _g, h) => ((h.enabled = true), (h.scale = numberOr(v))),
  'Hires steps': (v, _g, h) => (h.steps = numberOr(v)),
  'Hires denoise': (v, _g, h) => (h.denoise = numberOr(v)),
};

/** Reads A1111-style `parameters` text (ours or another tool's). Never throws. */
export function fromA1111Text(text: string): { params: ParamSet; notices: Notice[] } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const last = lines.length > 1 && /(^|, )Steps: /.test(lines.at(-1)!) ? lines.pop()! : '';
  const negAt = lines.findIndex((l) => l.startsWith('Negative prompt:'));
  const prompt = (negAt < 0 ? lines : lines.slice(0, negAt)).join('\n');
  const negative = negAt < 0 ? '' : [lines[negAt].slice('Negative prompt:'.length).replace(/^ /, ''), ...lines.slice(negAt + 1)].join('\n');
  const gen: Record<string, unknown> = { prompt, negativePrompt: negative };
  const hires: Record<string, unknown> = {};
  const notices: Notice[] = [];
  const fields = parseFields(last);
  const ignored: string[] = [];
  let sa = normalizeSaParams(undefined);
  for (const [key, value] of fields) {
    if (A1111_FIELDS[key]) A1111_FIELDS[key](value, gen, hires);
    else if (key === 'SlothfulAttention') sa = parseSaJson(value);
    else if (key === 'SlothfulAttention hires') {
      const h = parseSaJson(value);
      hires.sa = h.params;
      notices.push(...prefixNotices(h.notices, 'hires.sa'));
    } else ignored.push(key);
  }
  if (ignored.length) notices.push({ path: '', message: `Fields this app does not use were ignored: ${ignored.join(', ')}`, given: ignored.join(', ') });
  if (!fields.has('SlothfulAttention')) notices.push({ path: 'sa', message: 'The PNG has no SlothfulAttention settings; using the SA defaults' });
  const g = normalizeGenParams({ ...gen, hires });
  return { params: { gen: g.params, sa: sa.params }, notices: [...notices, ...g.notices, ...prefixNotices(sa.notices, 'sa')] };
}

export interface PngParamsRead {
  params: ParamSet;
  notices: Notice[];
  /** which chunk the parameters came from */
  source: typeof SLOTHFUL_KEYWORD | typeof A1111_KEYWORD;
  /** the image was made with img2img (the A1111 text has a denoising strength): its init image is not in the file */
  img2img: boolean;
}

/**
 * The parameters stored in a PNG (ours, or an A1111-style `parameters` chunk), or undefined when
 * the bytes hold none (or are not a PNG). Never throws.
 */
export function readPngParams(bytes: Uint8Array): PngParamsRead | undefined {
  const { texts, problems } = readPngText(bytes);
  const ours = texts.find((t) => t.keyword === SLOTHFUL_KEYWORD);
  const theirs = texts.find((t) => t.keyword === A1111_KEYWORD);
  if (!ours && !theirs) return undefined;
  const read = ours ? fromSlothfulJson(ours.text) : fromA1111Text(theirs!.text);
  const fileNotices: Notice[] = problems.map((p) => ({ path: '', message: `PNG: ${p}` }));
  const img2img = theirs ? /(^|, )Denoising strength: /.test(theirs.text.split('\n').at(-1) ?? '') : false;
  return { params: read.params, notices: [...fileNotices, ...read.notices], source: ours ? SLOTHFUL_KEYWORD : A1111_KEYWORD, img2img };
}

