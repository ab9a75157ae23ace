import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('is deterministic per (seed, stream) and differs across them', () => {
    const a = new Rng(1, 'w').fillUniform(new Float32Array(64), 1);
    expect(new Rng(1, 'w').fillUniform(new Float32Array(64), 1)).toEqual(a);
    expect(new Rng(2, 'w').fillUniform(new Float32Array(64), 1)).not.toEqual(a);
    expect(new Rng(1, 'v').fillUniform(new Float32Array(64), 1)).not.toEqual(a);
    // fillUniform continues the same stream as nextU32
    const r = new Rng(3, 'x');
    const first = r.nextU32();
    const rest = new Rng(3, 'x');
    expect(rest.nextU32()).toBe(first);
  });

  it('has the moments of its distributions', () => {
    const n = 200_000;
    const u = new Rng(5, 'u').fillUniform(new Float32Array(n), 0.5);
    const g = new Rng(5, 'g').fillNormal(new Float32Array(n), 2, 1);
    const moments = (x: Float32Array) => {
      let m = 0;
      let v = 0;
      for (const a of x) m += a;
      m /= x.length;
      for (const a of x) v += (a - m) ** 2;
      return [m, v / x.length];
    };
    const [um, uv] = moments(u);
    expect(Math.abs(um)).toBeLessThan(0.005);
    expect(Math.abs(uv - 1 / 12)).toBeLessThan(0.002); // uniform on [-0.5, 0.5): variance 1/12
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(-0.5);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(0.5);
    const [gm, gv] = moments(g);
    expect(Math.abs(gm - 1)).toBeLessThan(0.02);
    expect(Math.abs(gv - 4)).toBeLessThan(0.06);
  });
});
