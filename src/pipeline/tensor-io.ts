// Image conversions between the pipeline's tensors and pictures: model [-1, 1] NCHW ↔ RGBA 8-bit.
import type { ImageRgba } from '../image/rgba.ts';

/** [1, 3, H, W] in [-1, 1] → RGBA. */
export function imageFromChw(x: Float32Array, width: number, height: number, batchIndex = 0): ImageRgba {
  const plane = width * height;
  const base = batchIndex * 3 * plane;
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round((x[base + c * plane + i] / 2 + 0.5) * 255);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** RGBA → [1, 3, H, W] in [-1, 1]. */
export function chwFromImage(img: ImageRgba): Float32Array {
  const plane = img.width * img.height;
  const x = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) x[c * plane + i] = (img.data[i * 4 + c] / 255) * 2 - 1;
  return x;
}
