import { describe, expect, it } from 'vitest';
import { halfBits, halfToFloat, roundToHalf } from './half.ts';

describe('binary16 conversion', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest finite
    [65520, 0x7c00], // rounds up to Inf
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie → even (0)
    [3 * 2 ** -25, 0x0002], // tie → even (2)
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 → even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (1+2^-9)
    [0.1, 0x2e66],
    [Infinity, 0x7c00],
  ])('%f → %s', (x, bits) => {
    expect(halfBits(x)).toBe(bits);
  });

  it('round-trips every binary16 value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) continue;
      expect(halfBits(x)).toBe(h);
    }
  });

  it('rounds to the nearest representable value', () => {
    const xs = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 9) - 4));
    const r = roundToHalf(xs);
    for (let i = 0; i < xs.length; i++) {
      const h = halfBits(xs[i]);
      const up = Math.abs(halfToFloat(h + 1) - xs[i]);
      const down = h & 0x3ff ? Math.abs(halfToFloat(h - 1) - xs[i]) : Infinity;
      expect(Math.abs(r[i] - xs[i])).toBeLessThanOrEqual(Math.min(up, down));
    }
  });
});
