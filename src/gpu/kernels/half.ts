// IEEE binary16 ⇄ float conversion on the CPU (round to nearest, ties to even), for uploading
// weights to f16 kernels, reading f16 results and rounding reference inputs. Node 20 has no
// Float16Array, so this is arithmetic on doubles (exact for every float32 input).

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const r = v - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The binary16 bits nearest to x. */
export function halfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 = smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let q = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (q === 1024) {
    q = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00; // overflow → ±Inf
  return sign | ((e + 15) << 10) | q;
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

export function toHalf(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i]);
  return out;
}

export function fromHalf(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]);
  return out;
}

/** values rounded to the nearest binary16 (what an f16 tensor holds). */
export function roundToHalf(values: ArrayLike<number>): Float32Array {
  return fromHalf(toHalf(values));
}
