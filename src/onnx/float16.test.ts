import { describe, expect, it } from 'vitest';
import { fromHalf, fromHalfBits, toHalf, toHalfBits } from './float16.ts';

describe('float16', () => {
  it('converts known values (table)', () => {
    const table: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest half
      [65519.99, 0x7bff], // below the midpoint to Inf
      [65520, 0x7c00], // tie between 65504 and 2^16 → even → Inf
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie → even (0)
      [3 * 2 ** -26, 0x0001], // above the tie → 1
      [3 * 2 ** -25, 0x0002], // 1.5 ulp subnormal tie → even (2)
      [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 → even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 1+2^-10 and 1+2^-9 → even
      [0.1, 0x2e66],
    ];
    for (const [v, h] of table) expect(toHalfBits(v), `${v}`).toBe(h);
    for (const [v, h] of table) expect(toHalf(Float32Array.of(v))[0], `bulk ${v}`).toBe(h);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly and rounds midpoints to even', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = fromHalf(all);
    const back = toHalf(values);
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaN
      if (back[h] !== h) throw new Error(`half ${h.toString(16)} → ${values[h]} → ${back[h].toString(16)}`);
    }
    // midpoints between consecutive positive finite halves (exact in float32) go to the even one
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (fromHalfBits(h) + fromHalfBits(h + 1)) / 2;
      const even = h % 2 === 0 ? h : h + 1;
      expect(toHalfBits(mid)).toBe(even);
      const v = Float32Array.of(mid);
      expect(toHalf(v)[0]).toBe(even);
      expect(toHalfBits(Math.fround(mid * (1 + 2 ** -20)))).toBe(h + 1);
    }
  });
});
