// Reads a toy-model image back into words: background, the objects' colours and shapes (v2: also
// where each one is, how large, striped or not), with the palettes of the toy model's vocabulary
// (public/models/toy/slothful_toy.json). This is how we score what the toy model draws
// (scripts/toy-model/check.ts) and what the browser drew (e2e).
// Plain pixel statistics, no learning: background = median of the 3-pixel frame; objects = the
// largest 4-connected blobs of pixels farther from it than half the farthest pixel (v2: capped so a
// stripe's dark rows, colour × shade, stay in the blob); colour = nearest palette entry to the median
// of a blob's core (v2: a vote of the core's pixels over the palette and its stripe shades, so a dark
// stripe is not read as another colour); shape = how full the blob's bounding box is and where its
// width is. What a two-object reading means against its caption: scene-judge.ts.

import type { Pair, Rgb, ToyVocabulary } from './vocabulary.ts';

/** The part of the vocabulary the reader needs: the shapes, both palettes and (v2) the stripe patterns and size ranges. */
export type ScenePalettes = Pick<ToyVocabulary, 'shapes' | 'colours' | 'backgrounds'> & Partial<Pick<ToyVocabulary, 'patterns' | 'sizes'>>;

export interface SceneReading {
  background: string;
  colour: string;
  shape: string;
  /** blob area / bounding-box area (square ≈ 1, circle ≈ π/4, triangle ≈ ½) */
  fill: number;
  /** blob pixels (0: nothing found) */
  area: number;
}

/** One object of a (v2) scene. */
export interface ObjectReading {
  colour: string;
  shape: string;
  fill: number;
  area: number;
  /** the blob's centroid [x, y], pixels (pixel i spans [i, i + 1], as scenes.py draws) */
  centroid: Pair;
  /** max(width, height) of the blob's bounding box, pixels: the object's size as scenes.py draws it */
  side: number;
  /** '' (plain) or the vocabulary's pattern ('striped') */
  pattern: string;
}

export interface ObjectsReading {
  background: string;
  /** largest first; fewer than asked for where fewer are found */
  objects: ObjectReading[];
}

export interface RgbaLike {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Image k of a stack of size×size RGB images (uint8 [N, size, size, 3], as the fixtures store them). */
export function rgbStackImage(rgb: Uint8Array, size: number, k: number): RgbaLike {
  const n = size * size;
  const data = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    data.set(rgb.subarray(3 * (k * n + i), 3 * (k * n + i) + 3), 4 * i);
    data[4 * i + 3] = 255;
  }
  return { width: size, height: size, data };
}

const FRAME = 3;
/** An object pixel is farther from the background than half the farthest pixel (and than this). */
const MIN_OBJECT_DISTANCE = 40;
/** A blob smaller than this (pixels) is no object. */
const MIN_OBJECT_AREA = 16;

/**
 * With size ranges (v2), a blob is an object only from half the area of the smallest object the
 * vocabulary draws (a triangle of the smallest side: 20 px → 100 px): specks and fragments of a
 * blurred object are not a second object. v1: MIN_OBJECT_AREA.
 */
function minObjectArea(vocab: ScenePalettes): number {
  const sides = Object.values(vocab.sizes ?? {}).flatMap((ranges) => Object.values(ranges).map(([lo]) => lo));
  return sides.length ? Math.max(MIN_OBJECT_AREA, (0.5 * 0.5 * Math.min(...sides) ** 2)) : MIN_OBJECT_AREA;
}
/** Stripes are told only where a blob has at least this many inner pixels in dark and in bright bands. */
const MIN_BAND_PIXELS = 4;

const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const shaded = (c: Rgb, s: number): Rgb => [c[0] * s, c[1] * s, c[2] * s];

export function nearest(palette: Readonly<Record<string, Rgb>>, c: Rgb): string {
  let best = '';
  let bestD = Infinity;
  for (const [name, rgb] of Object.entries(palette)) {
    const d = dist(rgb, c);
    if (d < bestD) [best, bestD] = [name, d];
  }
  return best;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
};

function pixel(img: RgbaLike, i: number): Rgb {
  return [img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2]];
}

function frameColour(img: RgbaLike): Rgb {
  const ch: number[][] = [[], [], []];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (x >= FRAME && y >= FRAME && x < img.width - FRAME && y < img.height - FRAME) continue;
      const p = pixel(img, y * img.width + x);
      for (let c = 0; c < 3; c++) ch[c].push(p[c]);
    }
  }
  return [median(ch[0]), median(ch[1]), median(ch[2])];
}

/** The 4-connected components of `mask` (pixel indices), largest first (equal sizes in scan order). */
function blobsOf(mask: Uint8Array, w: number, h: number): number[][] {
  const seen = new Uint8Array(mask.length);
  const out: number[][] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const blob: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      blob.push(i);
      const x = i % w;
      const y = (i - x) / w;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const j = ny * w + nx;
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    out.push(blob);
  }
  return out.sort((a, b) => b.length - a.length); // stable: ties keep scan order
}

/** [x0, y0, x1, y1] (inclusive) of a blob. */
function boundsOf(blob: readonly number[], w: number): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (const i of blob) {
    const x = i % w;
    const y = (i - x) / w;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  return [x0, y0, x1, y1];
}

/** square / circle / triangle from the blob's fill of its bounding box and its row widths. */
function shapeOf(blob: number[], w: number): { shape: string; fill: number } {
  const [x0, y0, x1, y1] = boundsOf(blob, w);
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const fill = blob.length / (bw * bh);
  // Row widths in the top and bottom fifths: a triangle is narrow on top and wide at the bottom.
  const rows = new Array<number>(bh).fill(0);
  for (const i of blob) rows[Math.floor(i / w) - y0]++;
  const band = Math.max(1, Math.floor(bh / 5));
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const top = mean(rows.slice(0, band));
  const bottom = mean(rows.slice(bh - band));
  if (fill < 0.66 || top < 0.6 * bottom) return { shape: 'triangle', fill };
  return { shape: fill >= 0.89 ? 'square' : 'circle', fill };
}

/**
 * How close to the background an object pixel may be: none but v1's rule without patterns; with
 * stripes, half the distance from the background to the darkest shade of any colour, so a dark row
 * stays in its blob (else a bright object beside a striped dark one would cut that one in bands).
 */
function thresholdCap(vocab: ScenePalettes, bg: Rgb): number {
  let cap = Infinity;
  for (const p of Object.values(vocab.patterns ?? {})) for (const c of Object.values(vocab.colours)) cap = Math.min(cap, 0.5 * dist(shaded(c, p.shade), bg));
  return cap;
}

interface Analysis {
  background: string;
  /** every pixel's distance from the frame's colour */
  d: Float32Array;
  blobs: number[][];
}

function analyse(img: RgbaLike, vocab: ScenePalettes): Analysis {
  const bgRgb = frameColour(img);
  const background = nearest(vocab.backgrounds, bgRgb);
  const n = img.width * img.height;
  const d = Float32Array.from({ length: n }, (_, i) => dist(pixel(img, i), bgRgb));
  const threshold = Math.max(MIN_OBJECT_DISTANCE, Math.min(0.5 * d.reduce((m, v) => Math.max(m, v), 0), thresholdCap(vocab, bgRgb)));
  const mask = Uint8Array.from(d, (v) => (v > threshold ? 1 : 0));
  return { background, d, blobs: blobsOf(mask, img.width, img.height) };
}

/**
 * The colour of a blob's core. v1 (no patterns): the palette entry nearest the core's median. With
 * patterns: each core pixel votes for the colour of its nearest palette entry or stripe shade (a
 * yellow's dark row, 0.6 × yellow, is nearer orange than yellow).
 */
function colourOf(core: Rgb[], vocab: ScenePalettes): string {
  const patterns = Object.values(vocab.patterns ?? {});
  if (!patterns.length) return nearest(vocab.colours, [median(core.map((p) => p[0])), median(core.map((p) => p[1])), median(core.map((p) => p[2]))]);
  const entries = Object.entries(vocab.colours).flatMap(([name, rgb]) => [{ name, rgb }, ...patterns.map((p) => ({ name, rgb: shaded(rgb, p.shade) }))]);
  const votes = new Map<string, number>();
  for (const p of core) {
    let best = entries[0];
    for (const e of entries) if (dist(e.rgb, p) < dist(best.rgb, p)) best = e;
    votes.set(best.name, (votes.get(best.name) ?? 0) + 1);
  }
  let [colour, most] = ['', -1];
  for (const name of Object.keys(vocab.colours)) if ((votes.get(name) ?? 0) > most) [colour, most] = [name, votes.get(name) ?? 0];
  return colour;
}

/**
 * '' (plain) or the pattern whose stripes the blob shows: stripes are anchored to the image grid
 * (rows y mod period < dark are the colour × shade), so compare the blob's inner pixels (2 px inside
 * its edge) in the middle rows of the dark bands with those of the bright bands, as a share of the
 * colour (projection on it). Striped: the ratio is nearer the shade than 1. Per-pixel shades would
 * not do: on a black background an edge blended with it is the colour × coverage, a dark shade too.
 */
function patternOf(img: RgbaLike, blob: readonly number[], colour: string, vocab: ScenePalettes): string {
  const rgb = vocab.colours[colour];
  const patterns = Object.entries(vocab.patterns ?? {});
  if (!rgb || !patterns.length) return '';
  const w = img.width;
  const inBlob = new Uint8Array(img.width * img.height);
  for (const i of blob) inBlob[i] = 1;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < img.height && inBlob[y * w + x] === 1;
  const norm2 = rgb[0] * rgb[0] + rgb[1] * rgb[1] + rgb[2] * rgb[2];
  let [best, bestRatio] = ['', Infinity];
  for (const [name, pat] of patterns) {
    const sums = { dark: [0, 0], bright: [0, 0] };
    for (const i of blob) {
      const x = i % w;
      const y = (i - x) / w;
      const phase = y % pat.period;
      // the middle rows of each band (2 rows from its ends: anti-aliasing and blur mix the ends)
      const band = phase >= 2 && phase < pat.dark - 2 ? sums.dark : phase >= pat.dark + 2 && phase < pat.period - 2 ? sums.bright : null;
      if (!band || !(inside(x - 2, y) && inside(x + 2, y) && inside(x, y - 2) && inside(x, y + 2))) continue;
      const p = pixel(img, i);
      band[0] += (p[0] * rgb[0] + p[1] * rgb[1] + p[2] * rgb[2]) / norm2;
      band[1]++;
    }
    if (sums.dark[1] < MIN_BAND_PIXELS || sums.bright[1] < MIN_BAND_PIXELS) continue;
    const ratio = sums.dark[0] / sums.dark[1] / (sums.bright[0] / sums.bright[1]);
    if (ratio < (1 + pat.shade) / 2 && ratio < bestRatio) [best, bestRatio] = [name, ratio];
  }
  return best;
}

function readObject(img: RgbaLike, blob: number[], d: Float32Array, vocab: ScenePalettes): ObjectReading {
  const w = img.width;
  // The core: blob pixels farthest from the background (edges are blended with it).
  const byDistance = blob.map((i) => ({ i, d: d[i] })).sort((a, b) => b.d - a.d);
  const core = byDistance.slice(0, Math.max(8, byDistance.length >> 1)).map((e) => pixel(img, e.i));
  const colour = colourOf(core, vocab);
  const [x0, y0, x1, y1] = boundsOf(blob, w);
  let [sx, sy] = [0, 0];
  for (const i of blob) [sx, sy] = [sx + (i % w), sy + Math.floor(i / w)];
  return {
    colour,
    ...shapeOf(blob, w),
    area: blob.length,
    centroid: [sx / blob.length + 0.5, sy / blob.length + 0.5],
    side: Math.max(x1 - x0 + 1, y1 - y0 + 1),
    pattern: patternOf(img, blob, colour, vocab),
  };
}

/** The (at most `max`) largest objects of a toy image, largest first. */
export function readObjects(img: RgbaLike, vocab: ScenePalettes, max = 2): ObjectsReading {
  const { background, d, blobs } = analyse(img, vocab);
  const objects = blobs
    .slice(0, max)
    .filter((b) => b.length >= minObjectArea(vocab))
    .map((b) => readObject(img, b, d, vocab));
  return { background, objects };
}

/** What a single-object toy image shows (its largest object). */
export function readScene(img: RgbaLike, vocab: ScenePalettes): SceneReading {
  const { background, d, blobs } = analyse(img, vocab);
  const blob = blobs[0] ?? [];
  if (blob.length < minObjectArea(vocab)) return { background, colour: 'none', shape: 'none', fill: 0, area: blob.length };
  const { colour, shape, fill, area } = readObject(img, blob, d, vocab);
  return { background, colour, shape, fill, area };
}

export interface Expected {
  background: string;
  colour: string;
  shape: string;
}

export interface Accuracy {
  n: number;
  background: number;
  colour: number;
  shape: number;
}

/** Fractions of readings that match what was asked. */
export function accuracy(pairs: readonly { expected: Expected; read: SceneReading }[]): Accuracy {
  const frac = (k: keyof Expected) => pairs.filter((p) => p.read[k] === p.expected[k]).length / Math.max(1, pairs.length);
  return { n: pairs.length, background: frac('background'), colour: frac('colour'), shape: frac('shape') };
}
