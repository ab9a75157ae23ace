// Seeded Gaussian noise bit-identical to PyTorch's CPU generator on x86-64 (AVX2 kernels), so a
// seed gives the same latents as `torch.randn(shape, generator=torch.Generator('cpu').manual_seed(s))`
// in diffusers. Layers, as in ATen:
//   • mt19937 seeded from the low 32 bits of the seed (CPUGeneratorImpl / MT19937RNGEngine.h);
//   • float32 tensors with ≥ 16 elements (normal_fill_AVX2): one 24-bit uniform per element for
//     the whole tensor, then Box–Muller in blocks of 16 (first 8 → u1, next 8 → u2) with the
//     float32 Cephes log/sincos of avx_mathfun.h; a tail (numel % 16 ≠ 0) draws 16 fresh uniforms
//     and recomputes the last 16 outputs;
//   • tensors with < 16 elements: the scalar double Box–Muller of normal_distribution<double>
//     (two 53-bit uniforms, returns r·cos θ and caches r·sin θ in the generator for the next
//     scalar draw — the cache outlives calls and is cleared only by manual_seed).
// Torch's AVX2 build lets GCC contract every multiply feeding an add into an FMA; `fmaf` below
// reproduces that (checked bit-exact against torch 1.13 on 3 × 65 536 values, and on inputs where
// contraction changes the result). ARM / non-AVX2 torch builds use libm's logf/sinf/cosf instead
// and differ from this stream by ≤ 2 ulp in about 1.5 % of values.

const f32 = Math.fround;

/** 32-bit Mersenne Twister, as at::mt19937 (identical to std::mt19937). */
class Mt19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed32: number) {
    const s = this.state;
    s[0] = seed32 >>> 0;
    for (let j = 1; j < 624; j++) {
      const prev = s[j - 1] ^ (s[j - 1] >>> 30);
      s[j] = (Math.imul(1812433253, prev) + j) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < 624; k++) {
      const next = s[(k + 1) % 624];
      const y = (s[k] & 0x80000000) | (next & 0x7fffffff);
      s[k] = s[(k + 397) % 624] ^ (y >>> 1) ^ (next & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

// ---- float32 arithmetic with a single rounding for fused multiply-add -------------------------

const bitsView = new DataView(new ArrayBuffer(4));

/** The float32 adjacent to float32 `r` in the direction of `towards` (≠ r). */
function adjacentFloat32(r: number, towards: number): number {
  if (r === 0) return towards > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  bitsView.setFloat32(0, r);
  const b = bitsView.getUint32(0);
  bitsView.setUint32(0, (r > 0) === (towards > r) ? b + 1 : b - 1);
  return bitsView.getFloat32(0);
}

/** fmaf(a, b, c) for float32 inputs: a·b + c rounded once to float32. */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit a double
  const s = p + c;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv); // s + err = p + c exactly (TwoSum)
  const r = f32(s);
  if (err === 0 || r === s) return r;
  const other = adjacentFloat32(r, s);
  if (s - r !== other - s) return r; // s is not a midpoint: rounding s is rounding p + c
  return err > 0 === other > r ? other : r; // a tie in s; the exact value lies on err's side
}

// ---- avx_mathfun.h log256_ps / sincos256_ps, lane by lane ------------------------------------

const SQRT_HALF = f32(Math.SQRT1_2);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f32);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);

/** Cephes float log for x ∈ (0, 1] (normal floats), evaluated as torch's AVX2 build does. */
function logf32(x: number): number {
  bitsView.setFloat32(0, x);
  const bits = bitsView.getUint32(0);
  let e = f32((bits >>> 23) - 127 + 1);
  bitsView.setUint32(0, (bits & ~0x7f800000) | 0x3f000000); // mantissa in [0.5, 1)
  let m = bitsView.getFloat32(0);
  if (m < SQRT_HALF) {
    e = f32(e - 1);
    m = f32(f32(m - 1) + m);
  } else {
    m = f32(m - 1);
  }
  const z = f32(m * m);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fmaf(y, m, LOG_P[i]);
  y = f32(y * m);
  y = fmaf(y, z, f32(e * LOG_Q1));
  y = f32(y - f32(z * 0.5));
  return fmaf(e, LOG_Q2, f32(m + y));
}

const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
const MINUS_DP3 = f32(-3.774894977445941e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f32);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f32);
const FOUR_OVER_PI = f32(1.27323954473516);

/** Cephes float sin and cos of x ≥ 0 (x < 8192), as torch's AVX2 build evaluates them. */
function sincosf32(x: number): [sin: number, cos: number] {
  let j = Math.trunc(f32(x * FOUR_OVER_PI));
  j = (j + 1) & ~1;
  const y = j; // small integer: exact in float32
  const negateSin = (j & 4) !== 0;
  const negateCos = (~(j - 2) & 4) !== 0;
  const swap = (j & 2) !== 0;
  x = fmaf(y, MINUS_DP1, x);
  x = fmaf(y, MINUS_DP2, x);
  x = fmaf(y, MINUS_DP3, x);
  const z = f32(x * x);
  let c = fmaf(COS_P[0], z, COS_P[1]);
  c = fmaf(c, z, COS_P[2]);
  c = f32(c * z);
  c = fmaf(c, z, -f32(z * 0.5));
  c = f32(c + 1);
  let s = fmaf(SIN_P[0], z, SIN_P[1]);
  s = fmaf(s, z, SIN_P[2]);
  s = f32(s * z);
  s = fmaf(s, x, x);
  const sin = swap ? c : s;
  const cos = swap ? s : c;
  return [negateSin ? -sin : sin, negateCos ? -cos : cos];
}

const TWO_PI_F32 = f32(2 * Math.PI);

/** normal_fill_16_AVX2 on data[o .. o+16) (mean 0, std 1): uniforms in, normals out. */
function boxMuller16(data: Float32Array, o: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[o + j]); // [0, 1) → (0, 1] for the log
    const radius = f32(Math.sqrt(f32(-2 * logf32(u1))));
    const [sin, cos] = sincosf32(f32(TWO_PI_F32 * data[o + j + 8]));
    data[o + j] = f32(radius * cos);
    data[o + j + 8] = f32(radius * sin);
  }
}

// ---- the generator --------------------------------------------------------------------------

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;

/** The low 32 bits of a torch seed (any integer; negatives wrap as uint64 does). */
function seedLow32(seed: number | bigint): number {
  if (typeof seed === 'bigint') return Number(BigInt.asUintN(32, seed));
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`TorchGenerator: seed must be a safe integer (or a bigint), got ${seed}.`);
  }
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

/**
 * A torch.Generator('cpu') stand-in. Successive `randn` calls continue one stream exactly as
 * successive `torch.randn(..., generator=g)` calls do (Euler ancestral draws per step this way).
 */
export class TorchGenerator {
  private engine: Mt19937;
  private cachedNormal: number | null = null;

  constructor(seed: number | bigint) {
    this.engine = new Mt19937(seedLow32(seed));
  }

  /** As `g.manual_seed(seed)`: restarts the stream and clears the cached normal. */
  manualSeed(seed: number | bigint): this {
    this.engine = new Mt19937(seedLow32(seed));
    this.cachedNormal = null;
    return this;
  }

  /** float32 standard normals for a contiguous tensor of `count` elements (any shape). */
  randn(count: number): Float32Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`TorchGenerator.randn: count must be a non-negative integer, got ${count}.`);
    }
    const out = new Float32Array(count);
    if (count >= 16) this.fillVectorised(out);
    else for (let i = 0; i < count; i++) out[i] = f32(this.scalarNormal());
    return out;
  }

  /** `random()`: the next raw 32-bit output. */
  nextUint32(): number {
    return this.engine.nextUint32();
  }

  private uniformFloat32(): number {
    return (this.engine.nextUint32() & 0xffffff) * TWO_POW_M24;
  }

  /** uniform_real_distribution<double>: 53 bits of random64() = (first << 32) | second. */
  private uniformFloat64(): number {
    const hi = this.engine.nextUint32() & 0x1fffff;
    const lo = this.engine.nextUint32();
    return (hi * 2 ** 32 + lo) * TWO_POW_M53;
  }

  private scalarNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = this.uniformFloat64();
    const u2 = this.uniformFloat64();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  // out: [count], count ≥ 16
  private fillVectorised(out: Float32Array): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = this.uniformFloat32();
    for (let o = 0; o + 16 <= n; o += 16) boxMuller16(out, o);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = this.uniformFloat32();
      boxMuller16(out, n - 16);
    }
  }
}

/** `torch.manual_seed(seed); torch.randn(count)` (float32, CPU, x86-64 AVX2 layout). */
export function randnTorch(seed: number | bigint, count: number): Float32Array {
  return new TorchGenerator(seed).randn(count);
}
