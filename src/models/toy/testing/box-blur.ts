// Test helper: blurs a toy image as the autoencoder does (roughly), for the scene reader's tests.
import type { RgbaLike } from '../scene-check.ts';

/** A separable box blur of radius r (edges clamped). */
export function boxBlur(img: RgbaLike, r: number): RgbaLike {
  const { width: w, height: h } = img;
  let src = Float32Array.from(img.data as ArrayLike<number>);
  for (const [dx, dy] of [[1, 0], [0, 1]]) {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 4; c++) {
          let s = 0;
          for (let k = -r; k <= r; k++) {
            const xx = Math.min(w - 1, Math.max(0, x + k * dx));
            const yy = Math.min(h - 1, Math.max(0, y + k * dy));
            s += src[4 * (yy * w + xx) + c];
          }
          dst[4 * (y * w + x) + c] = s / (2 * r + 1);
        }
      }
    }
    src = dst;
  }
  return { width: w, height: h, data: Uint8ClampedArray.from(src, Math.round) };
}
