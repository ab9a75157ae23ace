// Deterministic seeded random numbers for synthetic weights and test inputs. Each tensor gets its
// own stream derived from (seed, name), so a weight's values do not depend on the order in which
// a graph asks for them — the three attention styles of one config share every weight.

/** 32-bit FNV-1a of a string, for deriving stream seeds from parameter names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** sfc32: a small, fast generator with good statistical quality (PractRand-clean to 2^40+). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream = '') {
    const s = splitmix32(seed >>> 0);
    const h = hashString(stream);
    this.a = splitmix32(s ^ h);
    this.b = splitmix32(this.a ^ 0x6a09e667);
    this.c = splitmix32(this.b ^ 0xbb67ae85);
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Fills `out` with uniform values in [-bound, bound) (sfc32 inlined with the state in locals). */
  fillUniform(out: Float32Array, bound: number): Float32Array {
    const k = (2 * bound) / 4294967296;
    let { a, b, c, d } = this;
    for (let i = 0; i < out.length; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = (t >>> 0) * k - bound;
    }
    Object.assign(this, { a, b, c, d });
    return out;
  }

  /** Fills `out` with N(mean, std²) values (Box–Muller). */
  fillNormal(out: Float32Array, std = 1, mean = 0): Float32Array {
    for (let i = 0; i < out.length; i += 2) {
      const u1 = (this.nextU32() + 1) / 4294967297;
      const u2 = this.next();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      out[i] = mean + r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
}
