import { describe, expect, it } from 'vitest';
import { resizeRgba } from './resize.ts';

const gray = (w: number, h: number, values: number[]) => ({
  width: w, height: h, data: new Uint8ClampedArray(values.flatMap((v) => [v, v, v, 255])),
});

describe('resizeRgba', () => {
  it('upsamples a 2-pixel ramp with centre-aligned bilinear weights: 0,100 → 0,25,75,100', () => {
    const out = resizeRgba(gray(2, 1, [0, 100]), 4, 1);
    expect(Array.from(out.data).filter((_, i) => i % 4 === 0)).toEqual([0, 25, 75, 100]);
    expect(Array.from(out.data).filter((_, i) => i % 4 === 3)).toEqual([255, 255, 255, 255]);
  });

  it('halving averages pixel pairs (2×2 → 1×1 is the mean of four)', () => {
    const out = resizeRgba(gray(2, 2, [0, 40, 80, 120]), 1, 1);
    expect(out.data[0]).toBe(60);
  });

  it('returns the same image for the same size and rejects bad sizes', () => {
    const img = gray(2, 1, [1, 2]);
    expect(resizeRgba(img, 2, 1)).toBe(img);
    expect(() => resizeRgba(img, 0, 1)).toThrow(RangeError);
  });
});
