// IEEE 754 binary16 conversion (float32 → half with round-to-nearest-even, and back), for fp16
// weights and I/O. Written out bit by bit so it needs no Float16Array (absent in Node 20).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds one float32 to the nearest binary16 (ties to even); returns its 16 bits. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // Inf / NaN (quiet)
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow → ±Inf
  if (e <= 0) {
    // subnormal half (or zero): shift the full significand right, rounding to nearest even
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (and reaches Inf at the top)
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

/** Decodes binary16 bits to a number. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Converts float32 values to binary16 bits, into `out` if given. */
export function toHalf(src: ArrayLike<number>, out: Uint16Array<ArrayBufferLike> = new Uint16Array(src.length)): Uint16Array<ArrayBufferLike> {
  if (!(src instanceof Float32Array)) {
    for (let i = 0; i < src.length; i++) out[i] = toHalfBits(src[i]);
    return out;
  }
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    const abs = x & 0x7fffffff;
    // fast path: results that are normal halves (|x| in [2^-14, 65520)); rebias, round half to even
    if (abs >= 0x38800000 && abs < 0x477ff000) out[i] = ((x >>> 16) & 0x8000) | ((abs - 0x38000000 + 0xfff + ((abs >>> 13) & 1)) >>> 13);
    else out[i] = toHalfBits(src[i]);
  }
  return out;
}

export function fromHalf(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = fromHalfBits(src[i]);
  return out;
}
