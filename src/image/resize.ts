// Bilinear resizing on the CPU (pixel centres aligned, "just resize" like A1111), the one resizer:
// the img2img init image is stretched to the requested size (app and pipeline), and the hires
// pass upscales the first pass's latents. Pure: no canvas.
import type { ImageRgba } from './rgba.ts';

function checkSize(width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`Resizing needs positive integer sizes, got ${width}×${height}.`);
  }
}

/** `img` resampled to width×height (bilinear, through float32 planes); same size → `img` itself. */
export function resizeRgba(img: ImageRgba, width: number, height: number): ImageRgba {
  checkSize(width, height);
  if (img.width === width && img.height === height) return img;
  const plane = img.width * img.height;
  const planar = new Float32Array(4 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 4; c++) planar[c * plane + i] = img.data[i * 4 + c];
  const r = resizePlanar(planar, 1, 4, img.height, img.width, height, width);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 4; c++) out[i * 4 + c] = r[c * width * height + i];
  return { width, height, data: out };
}

/** Bilinear resize of planar data x: [B, C, h, w] → [B, C, h2, w2] (latents, image planes). */
export function resizePlanar(x: Float32Array, B: number, C: number, h: number, w: number, h2: number, w2: number): Float32Array {
  checkSize(w2, h2);
  const out = new Float32Array(B * C * h2 * w2);
  for (let bc = 0; bc < B * C; bc++) {
    for (let y = 0; y < h2; y++) {
      const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / h2 - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(h - 1, y0 + 1);
      const fy = sy - y0;
      for (let xx = 0; xx < w2; xx++) {
        const sx = Math.min(w - 1, Math.max(0, ((xx + 0.5) * w) / w2 - 0.5));
        const x0 = Math.floor(sx);
        const x1 = Math.min(w - 1, x0 + 1);
        const fx = sx - x0;
        const p = (a: number, b: number) => x[bc * h * w + a * w + b];
        out[bc * h2 * w2 + y * w2 + xx] = (p(y0, x0) * (1 - fx) + p(y0, x1) * fx) * (1 - fy) + (p(y1, x0) * (1 - fx) + p(y1, x1) * fx) * fy;
      }
    }
  }
  return out;
}
