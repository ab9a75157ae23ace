// The lab's plan: every observation compares variants that are rendered (quick and full), ids are
// unique, the patches mean what their ids say, and the observation table carries its own rule text.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { OBSERVATIONS, SWEEPS, applySaPatch, baselineOf, holdsIfText, labVariants } from './lab-plan.ts';

const sidesOf = (s: string | readonly [string, string]) => (typeof s === 'string' ? [s] : [...s]);

describe('lab plan', () => {
  it('full: unique variant ids, and every observation\'s variants and baselines are in the plan', () => {
    const ids = labVariants(false).map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of OBSERVATIONS) for (const id of [...sidesOf(o.a), ...sidesOf(o.b)]) expect(ids, `${o.id} needs ${id}`).toContain(id);
  });

  it('--quick: a small subset (every baseline present) that still measures some observations fully', () => {
    const vs = labVariants(true);
    const ids = vs.map((v) => v.id);
    expect(ids.length).toBeLessThanOrEqual(12);
    for (const v of vs) expect(ids).toContain(baselineOf(v));
    expect(ids.filter((id) => id.includes('='))).toEqual(SWEEPS.flatMap((s) => s.quick.map((v) => `${s.id}=${v}`)));
    const measurable = OBSERVATIONS.filter((o) => [...sidesOf(o.a), ...sidesOf(o.b)].every((id) => ids.includes(id)));
    expect(measurable.map((o) => o.id)).toEqual(['td0-breaks', 'i2i-weaker', 'blend0-least-avg', 'blend0-least-max']);
  });

  it('--quick has at most one value per swept parameter (the default is the other)', () => {
    for (const s of SWEEPS) expect(s.quick.length).toBeLessThanOrEqual(1);
  });

  it('variants carry full SA parameters: default is the spec default, off is disabled, patches change only what they name', () => {
    const vs = new Map(labVariants(false).map((v) => [v.id, v]));
    expect(vs.get('default')!.sa).toEqual(DEFAULT_SA_PARAMS);
    expect(vs.get('off')!.sa.enabled).toBe(false);
    expect(vs.get('off-repeat')!.rerender).toBe(true);
    expect(vs.get('dd=0')!.sa).toEqual({ ...DEFAULT_SA_PARAMS, in: { ...DEFAULT_SA_PARAMS.in, depth_decay: 0 }, out: { ...DEFAULT_SA_PARAMS.out, depth_decay: 0 } });
    expect(vs.get('v-max=1')!.sa.out).toEqual({ ...DEFAULT_SA_PARAMS.out, mode: '2D_MAX', v_blend: 1 });
    expect(vs.get('max-strong')!.sa.in).toEqual({ strength: 24, depth_decay: 2, mode: '2D_MAX', k_blend: 1, v_blend: 1 });
    expect(vs.get('i2i-default')!.img2img).toBe(true);
    expect(baselineOf(vs.get('i2i-default')!)).toBe('i2i-off');
  });

  it('each sweep at its atDefault value is the spec default (max sweeps: but for the mode, which blend 0 never reads)', () => {
    for (const s of SWEEPS) {
      const sa = applySaPatch(s.patch(s.atDefault));
      expect({ ...sa, in: { ...sa.in, mode: '2D_AVG' }, out: { ...sa.out, mode: '2D_AVG' } }, s.id).toEqual(DEFAULT_SA_PARAMS);
      if (sa.in.mode !== '2D_AVG') expect(sa.in.k_blend + sa.in.v_blend + sa.out.k_blend + sa.out.v_blend, s.id).toBe(0);
    }
  });

  it('an out-of-range patch is an error, not a silent clamp', () => {
    expect(() => applySaPatch({ in: { strength: 99 } })).toThrow(/not valid/);
  });

  it('each observation cites SPEC_SA §6 and states its rule', () => {
    for (const o of OBSERVATIONS) {
      expect(o.cite).toMatch(/^§6 bullet [1-6]$/);
      expect(holdsIfText(o)).toMatch(o.expect === 'higher' ? / > / : / < /);
    }
  });
});
