// Image metrics: PSNR by hand, SSIM against a brute-force 11×11 reference written from the paper's
// formulas, SSIM behaviour (identity, symmetry, falling with noise), and the heat map's scaling.
import { describe, expect, it } from 'vitest';
import { ImageMetricsError, diffHeatmap, mseRgb, psnr, ssim, type RgbaImage } from './metrics.ts';

function image(w: number, h: number, pixel: (x: number, y: number) => [number, number, number, number?]): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [r, g, b, a = 255] = pixel(x, y);
    data.set([r, g, b, a], 4 * (y * w + x));
  }
  return { width: w, height: h, data };
}

/** Deterministic uniform noise in [-1, 1) (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

const scene = (w = 40, h = 32) => image(w, h, (x, y) => [(x * 6 + y * 2) % 256, 128 + 100 * Math.sin(x / 3) * Math.cos(y / 4), (x * y) % 200]);

function noisy(img: RgbaImage, amplitude: number, seed = 1): RgbaImage {
  const r = rng(seed);
  return { ...img, data: Uint8ClampedArray.from(img.data, (v, i) => (i % 4 === 3 ? v : v + amplitude * r())) };
}

/** SSIM straight from Wang et al. 2004: every 11×11 window, 2-D Gaussian weights, no separability. */
function ssimReference(a: RgbaImage, b: RgbaImage): number {
  const lum = (img: RgbaImage) => Array.from({ length: img.width * img.height }, (_, p) => 0.299 * img.data[4 * p] + 0.587 * img.data[4 * p + 1] + 0.114 * img.data[4 * p + 2]);
  const ya = lum(a);
  const yb = lum(b);
  const wts: number[] = [];
  for (let i = -5; i <= 5; i++) for (let j = -5; j <= 5; j++) wts.push(Math.exp(-(i * i + j * j) / (2 * 1.5 * 1.5)));
  const total = wts.reduce((s, v) => s + v, 0);
  const [c1, c2] = [(0.01 * 255) ** 2, (0.03 * 255) ** 2];
  let sum = 0;
  let count = 0;
  for (let y0 = 0; y0 + 11 <= a.height; y0++) for (let x0 = 0; x0 + 11 <= a.width; x0++) {
    let [mx, my] = [0, 0];
    for (let k = 0; k < 121; k++) {
      const p = (y0 + Math.floor(k / 11)) * a.width + x0 + (k % 11);
      mx += (wts[k] / total) * ya[p];
      my += (wts[k] / total) * yb[p];
    }
    let [vx, vy, cov] = [0, 0, 0];
    for (let k = 0; k < 121; k++) {
      const p = (y0 + Math.floor(k / 11)) * a.width + x0 + (k % 11);
      vx += (wts[k] / total) * (ya[p] - mx) ** 2;
      vy += (wts[k] / total) * (yb[p] - my) ** 2;
      cov += (wts[k] / total) * (ya[p] - mx) * (yb[p] - my);
    }
    sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    count++;
  }
  return sum / count;
}

describe('psnr', () => {
  it('is +Infinity for identical images and ignores alpha', () => {
    const a = scene();
    expect(psnr(a, a)).toBe(Infinity);
    const b = { ...a, data: Uint8ClampedArray.from(a.data, (v, i) => (i % 4 === 3 ? 0 : v)) };
    expect(psnr(a, b)).toBe(Infinity);
  });

  it('matches a small example worked by hand', () => {
    // 2×1 image; one channel of one pixel differs by 10: MSE = 100 / 6 ≈ 16.667,
    // PSNR = 10·log10(65025 / 16.667) = 10·log10(3901.5) ≈ 35.912 dB.
    const a = image(2, 1, () => [0, 0, 0]);
    const b = image(2, 1, (x) => [x === 0 ? 10 : 0, 0, 0]);
    expect(mseRgb(a, b)).toBeCloseTo(16.6667, 4);
    expect(psnr(a, b)).toBeCloseTo(35.912, 3);
    // every value off by 255: MSE = 65025, PSNR = 0 dB
    expect(psnr(a, image(2, 1, () => [255, 255, 255]))).toBe(0);
  });

  it('refuses images of different sizes or inconsistent data', () => {
    expect(() => psnr(scene(12, 12), scene(12, 13))).toThrow(ImageMetricsError);
    expect(() => psnr({ width: 2, height: 2, data: new Uint8Array(15) }, scene(2, 2))).toThrow(/width·height·4/);
  });
});

describe('ssim', () => {
  it('is 1 for identical images', () => {
    const a = scene();
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it('matches the brute-force reference on structured and noisy images', () => {
    const a = scene(24, 19);
    for (const b of [noisy(a, 30), scene(24, 19), image(24, 19, (x, y) => [x * 10, y * 12, 50])]) {
      const want = ssimReference(a, b);
      expect(Math.abs(ssim(a, b) - want)).toBeLessThan(1e-10);
    }
    expect(ssimReference(a, noisy(a, 30))).toBeLessThan(0.99); // the reference is not trivially 1
  });

  it('is symmetric', () => {
    const a = scene();
    const b = noisy(a, 40, 7);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
  });

  it('falls as noise grows', () => {
    const a = scene();
    const values = [2, 10, 30, 80].map((amp) => ssim(a, noisy(a, amp, 3)));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    expect(values[0]).toBeLessThan(1);
    expect(values[3]).toBeGreaterThan(-1);
  });

  it('needs at least 11×11 pixels', () => {
    expect(() => ssim(scene(10, 40), scene(10, 40))).toThrow(/at least 11×11/);
  });
});

describe('diffHeatmap', () => {
  it('scales so the largest difference is white and no difference is black', () => {
    const a = image(3, 1, () => [100, 100, 100, 255]);
    const b = image(3, 1, (x) => [100 + x * 20, 100, 100 - x * 5, 0]); // differences 0, 20, 40
    const { image: heat, maxDiff } = diffHeatmap(a, b);
    expect(maxDiff).toBe(40);
    expect([heat.width, heat.height]).toEqual([3, 1]);
    expect([...heat.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...heat.data.subarray(8, 12)]).toEqual([255, 255, 255, 255]);
    // half of the maximum: t = 1.5 on the black → red → yellow → white ramp = (255, 128, 0)
    expect([...heat.data.subarray(4, 8)]).toEqual([255, 128, 0, 255]);
  });

  it('is all black for identical images', () => {
    const a = scene(5, 4);
    const { image: heat, maxDiff } = diffHeatmap(a, a);
    expect(maxDiff).toBe(0);
    expect(heat.data.every((v, i) => v === (i % 4 === 3 ? 255 : 0))).toBe(true);
  });
});
