// Image comparison for the A/B view: PSNR and SSIM of two same-sized RGBA images, and an
// absolute-difference heat map. Alpha is ignored everywhere.
//   PSNR: 10·log10(255² / MSE), MSE over the R, G and B values of every pixel; identical images
//         give +Infinity (the UI shows "∞").
//   SSIM: Wang et al. 2004 on luminance Y = 0.299 R + 0.587 G + 0.114 B (BT.601, unrounded),
//         11×11 Gaussian window with σ = 1.5 (normalized), C1 = (0.01·255)², C2 = (0.03·255)²,
//         averaged over the "valid" window positions (no padding), so images must be ≥ 11×11.

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major: [height, width, 4] */
  data: ArrayLike<number>;
}

export class ImageMetricsError extends Error {
  override name = 'ImageMetricsError';
}

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

function checkPair(a: RgbaImage, b: RgbaImage): void {
  for (const [name, img] of [['first', a], ['second', b]] as const) {
    if (img.data.length !== img.width * img.height * 4) {
      throw new ImageMetricsError(`The ${name} image has ${img.data.length} bytes, not width·height·4 = ${img.width * img.height * 4}.`);
    }
  }
  if (a.width !== b.width || a.height !== b.height) {
    throw new ImageMetricsError(`Images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height}); compare images of the same size.`);
  }
}

/** Mean squared error over the RGB values. */
export function mseRgb(a: RgbaImage, b: RgbaImage): number {
  checkPair(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a.data[i + c] - b.data[i + c];
      sum += d * d;
    }
  }
  return sum / (a.width * a.height * 3);
}

/** PSNR in dB of 8-bit RGB; +Infinity for identical images. */
export function psnr(a: RgbaImage, b: RgbaImage): number {
  const mse = mseRgb(a, b);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Y = 0.299 R + 0.587 G + 0.114 B per pixel: [height, width]. */
export function luminance(img: RgbaImage): Float64Array {
  const y = new Float64Array(img.width * img.height);
  for (let p = 0; p < y.length; p++) y[p] = 0.299 * img.data[4 * p] + 0.587 * img.data[4 * p + 1] + 0.114 * img.data[4 * p + 2];
  return y;
}

/** The normalized 1-D Gaussian taps; the 2-D window is their outer product. */
export function gaussianTaps(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const taps = new Float64Array(size);
  const mid = (size - 1) / 2;
  for (let i = 0; i < size; i++) taps[i] = Math.exp(-((i - mid) ** 2) / (2 * sigma * sigma));
  const total = taps.reduce((s, t) => s + t, 0);
  return taps.map((t) => t / total);
}

/** Separable "valid" filtering: [h, w] → [h − k + 1, w − k + 1]. */
function filterValid(src: Float64Array, w: number, h: number, taps: Float64Array): Float64Array {
  const k = taps.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const rows = new Float64Array(h * ow); // [h, ow]
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * src[y * w + x + t];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(oh * ow); // [oh, ow]
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * rows[(y + t) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

/** Mean SSIM (see the module comment for the exact definition); 1 for identical images. */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  checkPair(a, b);
  const { width: w, height: h } = a;
  if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
    throw new ImageMetricsError(`SSIM needs images of at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels (got ${w}×${h}).`);
  }
  const x = luminance(a);
  const y = luminance(b);
  const xx = x.map((v) => v * v);
  const yy = y.map((v) => v * v);
  const xy = x.map((v, i) => v * y[i]);
  const taps = gaussianTaps();
  const [mx, my, sxx, syy, sxy] = [x, y, xx, yy, xy].map((m) => filterValid(m, w, h, taps));
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const vx = sxx[i] - mx[i] * mx[i];
    const vy = syy[i] - my[i] * my[i];
    const cov = sxy[i] - mx[i] * my[i];
    total += ((2 * mx[i] * my[i] + C1) * (2 * cov + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
  }
  return total / mx.length;
}

/** black → red → yellow → white for v in [0, 1]. */
function heatColor(v: number): [number, number, number] {
  const t = v * 3;
  return [Math.min(1, t), Math.min(1, Math.max(0, t - 1)), Math.min(1, Math.max(0, t - 2))].map((c) => Math.round(c * 255)) as [number, number, number];
}

/**
 * Per-pixel max over R, G, B of |a − b|, scaled so the largest difference is white (0 stays
 * black), as an opaque RGBA image; `maxDiff` is that largest difference (0..255).
 */
export function diffHeatmap(a: RgbaImage, b: RgbaImage): { image: { width: number; height: number; data: Uint8ClampedArray }; maxDiff: number } {
  checkPair(a, b);
  const n = a.width * a.height;
  const diff = new Uint8Array(n);
  let maxDiff = 0;
  for (let p = 0; p < n; p++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.data[4 * p + c] - b.data[4 * p + c]));
    diff[p] = d;
    maxDiff = Math.max(maxDiff, d);
  }
  const data = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const [r, g, bl] = heatColor(maxDiff ? diff[p] / maxDiff : 0);
    data.set([r, g, bl, 255], 4 * p);
  }
  return { image: { width: a.width, height: a.height, data }, maxDiff };
}
