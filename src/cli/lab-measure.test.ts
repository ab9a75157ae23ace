// The lab's measurements and verdicts: metrics of small hand-made images against a baseline, the
// paired verdict rule, and observations judged from made-up runs (including missing variants).
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image/metrics.ts';
import { evaluateObservations, measureRun, verdictOf, type LabRunRecord, type RunMetrics } from './lab-measure.ts';
import type { Observation } from './lab-plan.ts';

/** A 16×16 white image with a black square of side `s` at (x, y). */
function square(x: number, y: number, s: number): RgbaImage {
  const data = new Uint8ClampedArray(16 * 16 * 4).fill(255);
  for (let r = y; r < y + s; r++) for (let c = x; c < x + s; c++) data.set([0, 0, 0, 255], 4 * (r * 16 + c));
  return { width: 16, height: 16, data };
}

describe('measureRun', () => {
  it('the same image: SSIM 1, PSNR null (∞), no shift, no edge change', () => {
    const m = measureRun(square(4, 4, 4), square(4, 4, 4), 12);
    expect(m).toMatchObject({ ssim: 1, psnr: null, change: 0, centroidShift: 0, edgeChange: 0, timeMs: 12 });
    expect(m.sizeChange).toBeUndefined();
  });
  it('a square moved by (3, 4): centroid shift 5 px, change > 0, finite PSNR; scene size and object changes', () => {
    const m = measureRun(square(7, 8, 4), square(4, 4, 4), 1, { run: { colour: 'red', shape: 'square', area: 64 }, base: { colour: 'red', shape: 'square', area: 16 } });
    expect(m.centroidShift).toBeCloseTo(5, 9);
    expect(m.change).toBeGreaterThan(0);
    expect(Number.isFinite(m.psnr)).toBe(true);
    expect(m.sizeChange).toBeCloseTo(1, 9); // side 4 → 8
    expect(m.objectChanged).toBe(0);
  });
});

describe('verdictOf', () => {
  it('consistent differences in the predicted direction hold; against it do not', () => {
    expect(verdictOf([1, 1.2, 0.9], 'higher').verdict).toBe('holds');
    expect(verdictOf([1, 1.2, 0.9], 'lower').verdict).toBe('does not hold');
  });
  it('differences that straddle 0 are inconclusive; all zero is "no effect"', () => {
    const v = verdictOf([1, -1, 0.5, -0.4], 'higher');
    expect(v.verdict).toBe('inconclusive');
    expect(v.se).toBeGreaterThan(0);
    expect(verdictOf([0, 0], 'higher')).toMatchObject({ verdict: 'does not hold', note: expect.stringMatching(/no difference/) });
  });
  it('mean and standard error: d = 1, 3 → mean 2, se = √2/√2 = 1', () => {
    const v = verdictOf([1, 3], 'higher');
    expect(v.mean).toBe(2);
    expect(v.se).toBeCloseTo(1, 12);
    expect(v.verdict).toBe('inconclusive'); // 2 is not beyond 2·se
  });
  it('one sample: its sign decides, and the note says there is no noise estimate; none: not measured', () => {
    expect(verdictOf([0.1], 'higher')).toMatchObject({ verdict: 'holds', note: expect.stringMatching(/1 sample/) });
    expect(verdictOf([], 'higher')).toMatchObject({ verdict: 'inconclusive', note: 'not measured' });
  });
});

describe('evaluateObservations', () => {
  const metrics = (change: number): RunMetrics => ({ ssim: 1 - change, psnr: 30, change, centroidShift: 0, edgeEnergy: 1, edgeChange: 0, colourfulness: 0, contrast: 0, timeMs: 1 });
  const runs: LabRunRecord[] = [1, 2, 3].flatMap((seed) => [
    { variant: 'x', prompt: 'p', seed, metrics: metrics(0.2 + seed / 100) },
    { variant: 'y', prompt: 'p', seed, metrics: metrics(0.1) },
  ]);
  const obs = (o: Partial<Observation>): Observation => ({ id: 't', claim: 'c', cite: '§6 bullet 1', metric: 'change', a: 'x', b: 'y', expect: 'higher', ...o });

  it('pairs runs by prompt and seed and reports the means', () => {
    const [r] = evaluateObservations([obs({})], runs, () => undefined);
    expect(r).toMatchObject({ n: 3, verdict: 'holds' });
    expect(r.meanA).toBeCloseTo(0.22, 12);
    expect(r.meanB).toBeCloseTo(0.1, 12);
    expect(r.samples.map((s) => s.seed)).toEqual([1, 2, 3]);
  });
  it('a variant that was not rendered leaves the observation inconclusive ("not measured")', () => {
    const [r] = evaluateObservations([obs({ b: 'nope' })], runs, () => undefined);
    expect(r).toMatchObject({ n: 0, verdict: 'inconclusive', note: 'not measured' });
  });
  it('gap observations ask for 1 − SSIM between pairs of variants', () => {
    const asked: string[] = [];
    const gap = (_p: string, seed: number, v1: string, v2: string) => (asked.push(`${seed}:${v1}-${v2}`), v1 === 'a1' ? 0.01 * seed : 0.5);
    const [r] = evaluateObservations([obs({ metric: 'gap', a: ['a1', 'a2'], b: ['b1', 'b2'], expect: 'lower' })], runs, gap);
    expect(r.verdict).toBe('holds');
    expect(asked).toContain('2:a1-a2');
    expect(asked).toContain('3:b1-b2');
  });
});
