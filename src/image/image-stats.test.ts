// Image statistics on small images worked by hand (grey pixels have Y equal to their value).
import { describe, expect, it } from 'vitest';
import { ImageStatsError, centroidShift, colourfulness, contentCentroid, edgeEnergy, rmsContrast } from './image-stats.ts';
import type { RgbaImage } from './metrics.ts';

/** An image from rows of pixels: a number is grey, a triple is RGB. */
function image(rows: (number | [number, number, number])[][]): RgbaImage {
  const h = rows.length;
  const w = rows[0].length;
  const data = new Uint8ClampedArray(w * h * 4);
  rows.forEach((row, y) => row.forEach((p, x) => data.set([...(typeof p === 'number' ? [p, p, p] : p), 255], 4 * (y * w + x))));
  return { width: w, height: h, data };
}

/** A w×h white image with the given grey pixels. */
function white(w: number, h: number, dots: [x: number, y: number, grey: number][]): RgbaImage {
  const rows = Array.from({ length: h }, () => Array<number>(w).fill(255));
  for (const [x, y, g] of dots) rows[y][x] = g;
  return image(rows);
}

describe('edgeEnergy', () => {
  it('a vertical step of 100 between columns 1 and 2 of a 3×2 image: (0 + 100) / 2 positions = 50', () => {
    expect(edgeEnergy(image([[0, 0, 100], [0, 0, 100]]))).toBeCloseTo(50, 9);
  });
  it('one position with gx = 30, gy = 40 gives |∇| = 50', () => {
    expect(edgeEnergy(image([[0, 30], [40, 0]]))).toBeCloseTo(50, 9);
  });
  it('is 0 for a flat image, and alpha does not count', () => {
    const img = image([[7, 7], [7, 7]]);
    (img.data as Uint8ClampedArray)[3] = 0;
    expect(edgeEnergy(img)).toBe(0);
  });
  it('needs at least 2×2 pixels', () => {
    expect(() => edgeEnergy(image([[1, 2, 3]]))).toThrow(ImageStatsError);
  });
});

describe('colourfulness (Hasler & Süsstrunk 2003)', () => {
  it('(100,0,0) and (0,0,0): rg 100|0, yb 50|0 → √(50² + 25²)·(1 + 0.3) = 72.67', () => {
    expect(colourfulness(image([[[100, 0, 0], [0, 0, 0]]]))).toBeCloseTo(1.3 * Math.sqrt(3125), 9);
  });
  it('a uniform colour has no spread: M = 0.3·√(μ_rg² + μ_yb²); (0,0,200) → 0.3·200 = 60', () => {
    expect(colourfulness(image([[[0, 0, 200], [0, 0, 200]]]))).toBeCloseTo(60, 9);
  });
  it('grey images are 0', () => {
    expect(colourfulness(image([[0, 128], [255, 30]]))).toBe(0);
  });
});

describe('rmsContrast', () => {
  it('black and white pixels in equal numbers: std of {0, 1} = 0.5', () => {
    expect(rmsContrast(image([[0, 255], [255, 0]]))).toBeCloseTo(0.5, 9);
  });
  it('values 0, 51, 102 (0, 0.2, 0.4): std = √(0.08/3)', () => {
    expect(rmsContrast(image([[0, 51, 102]]))).toBeCloseTo(Math.sqrt(0.08 / 3), 9);
  });
});

describe('contentCentroid / centroidShift', () => {
  it('one dark pixel on white is the centroid', () => {
    expect(contentCentroid(white(5, 5, [[3, 1, 0]]))).toEqual({ x: 3, y: 1 });
  });
  it('two pixels weighted by their distance from the median colour: 100√3 at (0,0), 255√3 at (3,2)', () => {
    const c = contentCentroid(white(4, 3, [[0, 0, 155], [3, 2, 0]]));
    expect(c.x).toBeCloseTo((3 * 255) / 355, 9);
    expect(c.y).toBeCloseTo((2 * 255) / 355, 9);
  });
  it('a flat image has its centroid at the centre', () => {
    expect(contentCentroid(white(4, 3, []))).toEqual({ x: 1.5, y: 1 });
  });
  it('a dot moved from (1,1) to (4,5) shifted by 5 px; identical images by 0', () => {
    const a = white(6, 6, [[1, 1, 0]]);
    expect(centroidShift(a, white(6, 6, [[4, 5, 0]]))).toBeCloseTo(5, 9);
    expect(centroidShift(a, a)).toBe(0);
  });
  it('different sizes are an error that says so', () => {
    expect(() => centroidShift(white(2, 2, []), white(3, 2, []))).toThrow(/differ in size/);
  });
});
