// TorchGenerator vs real torch.randn output (vectors from scripts/torch-reference/randn_vectors.py)
// and vs values published in PyTorch's documentation and countless tutorials.
import { describe, expect, it } from 'vitest';
import { TorchGenerator, fmaf, randnTorch } from './random.ts';
import vectors from './__vectors__/randn.json';

interface DrawRecord {
  count: number;
  hex?: string;
  fnv1a32?: string;
  headHex?: string;
  tailHex?: string;
}

function hexOf(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let s = '';
  for (const b of bits) s += b.toString(16).padStart(8, '0');
  return s;
}

function fnv1a32(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Index and both values of the first differing element, for a readable failure. */
function firstMismatch(gotHex: string, wantHex: string): string {
  for (let i = 0; i < wantHex.length; i += 8) {
    if (gotHex.slice(i, i + 8) !== wantHex.slice(i, i + 8)) {
      return `element ${i / 8}: got 0x${gotHex.slice(i, i + 8)}, torch 0x${wantHex.slice(i, i + 8)}`;
    }
  }
  return gotHex.length === wantHex.length ? 'none' : 'length differs';
}

function expectDraw(got: Float32Array, want: DrawRecord): void {
  expect(got.length).toBe(want.count);
  const gotHex = hexOf(got);
  if (want.hex !== undefined) {
    expect(firstMismatch(gotHex, want.hex)).toBe('none');
    return;
  }
  const edge = (want.headHex ?? '').length;
  expect(firstMismatch(gotHex.slice(0, edge), want.headHex ?? '')).toBe('none');
  expect(firstMismatch(gotHex.slice(gotHex.length - edge), want.tailHex ?? '')).toBe('none');
  expect(fnv1a32(got)).toBe(want.fnv1a32);
}

describe('TorchGenerator vs torch.randn (bit-exact)', () => {
  const cases = vectors.cases as { seed: number; draws: DrawRecord[] }[];
  it('has vectors for every seed, length and sequence', () => {
    expect(cases.length).toBe(70);
    expect(new Set(cases.map((c) => c.seed))).toEqual(new Set([0, 1, 42, 2 ** 32 + 7, 123456789]));
  });

  for (const { seed, draws } of cases) {
    const counts = draws.map((d) => d.count).join(', ');
    it(`seed ${seed}: draws [${counts}]`, () => {
      const gen = new TorchGenerator(seed);
      for (const want of draws) expectDraw(gen.randn(want.count), want);
    });
  }
});

describe('TorchGenerator', () => {
  it('matches the published torch.manual_seed(0) values', () => {
    // torch.manual_seed(0); torch.randn(5) and torch.randn(4, 4) as printed by PyTorch.
    const five = Array.from(randnTorch(0, 5));
    [1.541, -0.2934, -2.1788, 0.5684, -1.0845].forEach((v, i) => expect(five[i]).toBeCloseTo(v, 4));
    const sixteen = Array.from(randnTorch(0, 16)).slice(0, 8);
    [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152].forEach((v, i) =>
      expect(sixteen[i]).toBeCloseTo(v, 4),
    );
  });

  it('uses only the low 32 bits of the seed, bigint or number', () => {
    const a = randnTorch(7, 40);
    expect(randnTorch(2 ** 32 + 7, 40)).toEqual(a);
    expect(randnTorch(7n + (5n << 40n), 40)).toEqual(a);
    expect(randnTorch(-1, 20)).toEqual(randnTorch(0xffffffff, 20));
  });

  it('manualSeed restarts the stream and clears the cached scalar normal', () => {
    const gen = new TorchGenerator(3);
    const first = gen.randn(3); // leaves r·sin θ cached
    gen.manualSeed(3);
    expect(gen.randn(3)).toEqual(first);
  });

  it('rejects counts and seeds torch would not accept', () => {
    expect(() => randnTorch(0, -1)).toThrow(RangeError);
    expect(() => randnTorch(0, 1.5)).toThrow(RangeError);
    expect(() => randnTorch(0.5, 4)).toThrow(RangeError);
  });

  it('draws roughly standard normals', () => {
    const x = randnTorch(11, 65536);
    let mean = 0;
    let sq = 0;
    for (const v of x) {
      mean += v;
      sq += v * v;
    }
    mean /= x.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sq / x.length - 1)).toBeLessThan(0.02);
  });
});

describe('fmaf', () => {
  it('rounds a·b + c once', () => {
    const u = 2 ** -23; // ulp(1) in float32
    // (1 + u)(1 − u) − 1 = −u² exactly; rounding the product first would give 0.
    expect(Math.fround(Math.fround((1 + u) * (1 - u)) - 1)).toBe(0);
    expect(fmaf(1 + u, 1 - u, -1)).toBe(-(u * u));
    // The double sum is a float32 midpoint but the exact value is not: round towards the exact.
    // (1 + u)·2⁻²⁴(1 − u) + (1 + u): the double sum is the midpoint 1 + 1.5u, the exact value
    // 2⁻⁷⁰ below it, so the answer is 1 + u where rounding the double would give 1 + 2u.
    expect(Math.fround((1 + u) * (2 ** -24 * (1 - u)) + (1 + u))).toBe(1 + 2 * u);
    expect(fmaf(1 + u, 2 ** -24 * (1 - u), 1 + u)).toBe(1 + u);
    expect(fmaf(3, 5, 7)).toBe(22);
  });
});
