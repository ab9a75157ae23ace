// Single-image statistics for the SA lab (src/cli/lab*.ts): detail, colour and contrast of one RGBA
// image, and where its content sits. Pure; alpha is ignored. Y is BT.601 luminance as in metrics.ts.
//   edgeEnergy:     mean gradient magnitude of Y (forward differences, 0..255 per pixel step) over
//                   the (w−1)·(h−1) pixels that have a right and a lower neighbour — "detail".
//   colourfulness:  Hasler & Süsstrunk 2003, "Measuring colourfulness in natural images" (SPIE 5007):
//                   rg = R − G, yb = ½(R + G) − B, M = √(σ_rg² + σ_yb²) + 0.3·√(μ_rg² + μ_yb²),
//                   population moments over all pixels, 8-bit values.
//   rmsContrast:    population standard deviation of Y/255 (0..0.5).
//   contentCentroid: the centroid of every pixel weighted by its RGB distance from the image's
//                   per-channel median colour (the "background" of a mostly flat image); the image
//                   centre when the image is flat. centroidShift: the distance between two images'
//                   content centroids in pixels — a generic "did the content move" measure.
import { luminance, type RgbaImage } from './metrics.ts';

export class ImageStatsError extends Error {
  override name = 'ImageStatsError';
}

function checkImage(img: RgbaImage, need: number): void {
  if (img.data.length !== img.width * img.height * 4) {
    throw new ImageStatsError(`The image has ${img.data.length} bytes, not width·height·4 = ${img.width * img.height * 4}.`);
  }
  if (img.width < need || img.height < need) throw new ImageStatsError(`Need an image of at least ${need}×${need} pixels (got ${img.width}×${img.height}).`);
}

/** Mean |∇Y| with forward differences (see the module comment). */
export function edgeEnergy(img: RgbaImage): number {
  checkImage(img, 2);
  const { width: w, height: h } = img;
  const y = luminance(img);
  let sum = 0;
  for (let r = 0; r < h - 1; r++) {
    for (let c = 0; c < w - 1; c++) {
      const p = r * w + c;
      sum += Math.hypot(y[p + 1] - y[p], y[p + w] - y[p]);
    }
  }
  return sum / ((w - 1) * (h - 1));
}

/** Hasler & Süsstrunk's colourfulness M (see the module comment). */
export function colourfulness(img: RgbaImage): number {
  checkImage(img, 1);
  const n = img.width * img.height;
  let [srg, syb, srg2, syb2] = [0, 0, 0, 0];
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [img.data[4 * p], img.data[4 * p + 1], img.data[4 * p + 2]];
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    srg += rg;
    syb += yb;
    srg2 += rg * rg;
    syb2 += yb * yb;
  }
  const [mrg, myb] = [srg / n, syb / n];
  const varRg = Math.max(0, srg2 / n - mrg * mrg);
  const varYb = Math.max(0, syb2 / n - myb * myb);
  return Math.sqrt(varRg + varYb) + 0.3 * Math.hypot(mrg, myb);
}

/** Standard deviation of Y/255 over all pixels. */
export function rmsContrast(img: RgbaImage): number {
  checkImage(img, 1);
  const y = luminance(img);
  let [s, s2] = [0, 0];
  for (const v of y) {
    s += v / 255;
    s2 += (v / 255) ** 2;
  }
  const m = s / y.length;
  return Math.sqrt(Math.max(0, s2 / y.length - m * m));
}

const medianOf = (v: Float64Array): number => {
  const s = Float64Array.from(v).sort();
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

/** Content centroid in pixel coordinates (x right, y down; pixel centres at integers). */
export function contentCentroid(img: RgbaImage): { x: number; y: number } {
  checkImage(img, 1);
  const { width: w, height: h } = img;
  const n = w * h;
  const ch = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, p) => img.data[4 * p + c]));
  const med = ch.map(medianOf);
  let [sw, sx, sy] = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    const wt = Math.hypot(ch[0][p] - med[0], ch[1][p] - med[1], ch[2][p] - med[2]);
    sw += wt;
    sx += wt * (p % w);
    sy += wt * Math.floor(p / w);
  }
  return sw === 0 ? { x: (w - 1) / 2, y: (h - 1) / 2 } : { x: sx / sw, y: sy / sw };
}

/** Distance in pixels between the content centroids of two same-sized images. */
export function centroidShift(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new ImageStatsError(`Images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height}); compare images of the same size.`);
  }
  const [ca, cb] = [contentCentroid(a), contentCentroid(b)];
  return Math.hypot(ca.x - cb.x, ca.y - cb.y);
}
