// Reads a toy-model image back into words: background, the object's colour and its shape, with the
// palettes of the toy model's vocabulary (public/models/toy/slothful_toy.json). This is how we
// score what the toy model draws (scripts/toy-model/check.ts) and what the browser drew (e2e).
// Plain pixel statistics, no learning: background = median of the 3-pixel frame; object = the
// largest 4-connected blob of pixels farther from it than half the farthest pixel; colour = nearest palette entry to
// the median of the blob's core; shape = how full the blob's bounding box is and where its width is.

import type { Rgb, ToyVocabulary } from './vocabulary.ts';

/** The part of the vocabulary the reader needs: the shapes and both palettes. */
export type ScenePalettes = Pick<ToyVocabulary, 'shapes' | 'colours' | 'backgrounds'>;

export interface SceneReading {
  background: string;
  colour: string;
  shape: string;
  /** blob area / bounding-box area (square ≈ 1, circle ≈ π/4, triangle ≈ ½) */
  fill: number;
  /** blob pixels (0: nothing found) */
  area: number;
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

const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

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

/** The largest 4-connected component of `mask` (indices). */
function largestBlob(mask: Uint8Array, w: number, h: number): number[] {
  const seen = new Uint8Array(mask.length);
  let best: number[] = [];
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
    if (blob.length > best.length) best = blob;
  }
  return best;
}

/** square / circle / triangle from the blob's fill of its bounding box and its row widths. */
function shapeOf(blob: number[], w: number): { shape: string; fill: number } {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (const i of blob) {
    const x = i % w;
    const y = (i - x) / w;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
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

/** What a single-object toy image shows. */
export function readScene(img: RgbaLike, vocab: ScenePalettes): SceneReading {
  const bgRgb = frameColour(img);
  const background = nearest(vocab.backgrounds, bgRgb);
  const n = img.width * img.height;
  const d = Float32Array.from({ length: n }, (_, i) => dist(pixel(img, i), bgRgb));
  const threshold = Math.max(MIN_OBJECT_DISTANCE, 0.5 * d.reduce((m, v) => Math.max(m, v), 0));
  const mask = Uint8Array.from(d, (v) => (v > threshold ? 1 : 0));
  const blob = largestBlob(mask, img.width, img.height);
  if (blob.length < 16) return { background, colour: 'none', shape: 'none', fill: 0, area: blob.length };
  // The core: blob pixels farthest from the background (edges are blended with it).
  const byDistance = blob.map((i) => ({ i, d: d[i] })).sort((a, b) => b.d - a.d);
  const core = byDistance.slice(0, Math.max(8, byDistance.length >> 1)).map((e) => pixel(img, e.i));
  const colour = nearest(vocab.colours, [median(core.map((p) => p[0])), median(core.map((p) => p[1])), median(core.map((p) => p[2]))]);
  return { background, colour, ...shapeOf(blob, img.width), area: blob.length };
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
