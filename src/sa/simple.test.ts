// The simple view links k_blend = v_blend per side and one depth_decay for both sides.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, normalizeSaParams, type SaParams } from './params.ts';
import { fromSimple, isSimple, toSimple } from './simple.ts';

function params(input: unknown): SaParams {
  const { params, notices } = normalizeSaParams(input);
  expect(notices).toEqual([]);
  return params;
}

describe('simple view', () => {
  it('shows the defaults losslessly', () => {
    expect(isSimple(DEFAULT_SA_PARAMS)).toBe(true);
    expect(toSimple(DEFAULT_SA_PARAMS)).toEqual({
      enabled: true, time_decay: 2, peak_time: 0.4, keep_middle: true, depth_decay: 2,
      in: { strength: 6, mode: '2D_AVG', blend: 0 },
      out: { strength: 4, mode: '2D_AVG', blend: 0 },
    });
    expect(fromSimple(toSimple(DEFAULT_SA_PARAMS))).toEqual(DEFAULT_SA_PARAMS);
  });

  it('shows unlinked values as their mean and says it is lossy', () => {
    // depth_decay (1 + 3)/2 = 2; in blend (0.2 + 0.6)/2 = 0.4; out blend (1 + 0)/2 = 0.5
    const p = params({ in: { depth_decay: 1, k_blend: 0.2, v_blend: 0.6 }, out: { depth_decay: 3, k_blend: 1 } });
    expect(isSimple(p)).toBe(false);
    const s = toSimple(p);
    expect(s.depth_decay).toBe(2);
    expect(s.in.blend).toBeCloseTo(0.4, 12);
    expect(s.out.blend).toBe(0.5);
    const linked = fromSimple(s, p);
    expect(isSimple(linked)).toBe(true);
    expect([linked.in.depth_decay, linked.out.depth_decay, linked.out.k_blend, linked.out.v_blend]).toEqual([2, 2, 0.5, 0.5]);
  });

  it('applies a partial patch: a linked value sets both of its fields, the rest keeps the base', () => {
    const base = params({ in: { k_blend: 0.1, v_blend: 0.9 }, out: { depth_decay: 1 } });
    const p = fromSimple({ depth_decay: 3, out: { blend: 0.25, mode: '2D_MAX' } }, base);
    expect(p.in).toEqual({ strength: 6, depth_decay: 3, mode: '2D_AVG', k_blend: 0.1, v_blend: 0.9 });
    expect(p.out).toEqual({ strength: 4, depth_decay: 3, mode: '2D_MAX', k_blend: 0.25, v_blend: 0.25 });
    expect(p.time_decay).toBe(2);
  });

  it('clamps what the patch brings', () => {
    const p = fromSimple({ depth_decay: 9, in: { blend: -1, strength: 100 } });
    expect([p.in.depth_decay, p.out.depth_decay, p.in.k_blend, p.in.v_blend, p.in.strength]).toEqual([4, 4, 0, 0, 50]);
  });
});
