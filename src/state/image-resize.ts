// Resizing an RGBA image on the CPU (bilinear, "just resize" like A1111): the img2img init image
// is stretched to the requested size before it goes to the engine. Pure: no canvas.
import type { ImageRgba } from '../pipeline/engine.ts';

/** `img` resampled to width×height with bilinear filtering (pixel centres aligned); same size → `img` itself. */
export function resizeRgba(img: ImageRgba, width: number, height: number): ImageRgba {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`resizeRgba needs positive integer sizes, got ${width}×${height}.`);
  }
  if (img.width === width && img.height === height) return img;
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = img.width / width;
  const sy = img.height / height;
  const src = img.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * img.width + x0) * 4;
      const b = (y0 * img.width + x1) * 4;
      const c = (y1 * img.width + x0) * 4;
      const d = (y1 * img.width + x1) * 4;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
        out[o + ch] = top + (bottom - top) * wy;
      }
    }
  }
  return { width, height, data: out };
}
