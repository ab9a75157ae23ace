// Timesteps, σ and start points: against values worked out by hand from the formulas, and against
// diffusers' own classes (vectors from scripts/torch-reference/scheduler_vectors.py).
import { describe, expect, it } from 'vitest';
import vectors from '../__vectors__/schedulers.json';
import type { SchedulerName } from '../../params/request.ts';
import { createScheduler, type TimestepSpacing } from './index.ts';
import { SchedulerConfigError } from './types.ts';

/**
 * σ_t = √((1−ᾱ_t)/ᾱ_t) of the SD training schedule, worked out here independently in float64.
 * The schedulers use diffusers' float32 table, up to ~1.3e-5 relative away (near t = 0).
 */
const REL = 2e-5;
function trainingSigma(t: number): number {
  let prod = 1;
  const a = Math.sqrt(0.00085);
  const b = Math.sqrt(0.012);
  for (let i = 0; i <= t; i++) prod *= 1 - (a + ((b - a) * i) / 999) ** 2;
  return Math.sqrt((1 - prod) / prod);
}

function expectClose(got: readonly number[], want: readonly number[], rel: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) =>
    expect(Math.abs(g - want[i]), `index ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.abs(want[i]) + 1e-12),
  );
}

describe('schedules worked out from the formulas', () => {
  it('training σ range of SD: σ_max ≈ 14.6146, σ_min ≈ 0.0292', () => {
    const s = createScheduler('euler', { steps: 4 });
    expect(s.sigmas[0]).toBeCloseTo(14.6146, 3);
    expect(s.sigmas[3]).toBeCloseTo(0.0292, 4);
    expectClose([s.sigmas[0], s.sigmas[3]], [trainingSigma(999), trainingSigma(0)], REL);
  });

  it('Euler 4 steps: linspace 999/666/333/0, leading ⌊1000/4⌋·k + 1, trailing 1000 − 250k − 1', () => {
    const ts = (spacing: TimestepSpacing) => createScheduler('euler', { steps: 4, timestepSpacing: spacing }).timesteps;
    expect(ts('linspace')).toEqual([999, 666, 333, 0]);
    expect(ts('leading')).toEqual([751, 501, 251, 1]);
    expect(ts('trailing')).toEqual([999, 749, 499, 249]);
    // Fractional linspace steps are float32 and σ is interpolated linearly between table entries.
    const e7 = createScheduler('euler', { steps: 7 });
    expect(e7.timesteps[1]).toBe(Math.fround(999 - 999 / 6));
    const t = e7.timesteps[1];
    const f = t - Math.floor(t);
    expectClose([e7.sigmas[1]], [(1 - f) * trainingSigma(Math.floor(t)) + f * trainingSigma(Math.ceil(t))], REL);
    expect(e7.sigmas[7]).toBe(0);
  });

  it('Euler starts from σ_max (linspace, trailing) or √(σ_max² + 1) (leading)', () => {
    expectClose([createScheduler('euler', { steps: 10 }).initNoiseSigma], [trainingSigma(999)], REL);
    const leading = createScheduler('euler-ancestral', { steps: 4, timestepSpacing: 'leading' });
    expectClose([leading.initNoiseSigma], [Math.sqrt(trainingSigma(751) ** 2 + 1)], REL);
    expect(createScheduler('ddim', { steps: 4 }).initNoiseSigma).toBe(1);
  });

  it('Karras σ for 4 and 20 steps: (σ_max^{1/7} + i/(n−1)·(σ_min^{1/7} − σ_max^{1/7}))^7, then 0', () => {
    for (const n of [4, 20]) {
      const s = createScheduler('dpmpp-2m-karras', { steps: n });
      const hi = trainingSigma(999) ** (1 / 7);
      const lo = trainingSigma(0) ** (1 / 7);
      const want = Array.from({ length: n }, (_, i) => (hi + (i / (n - 1)) * (lo - hi)) ** 7);
      expectClose(s.sigmas.slice(0, n), want, REL);
      expect(s.sigmas[n]).toBe(0);
      expect(s.timesteps[0]).toBe(999);
      expect(s.timesteps[n - 1]).toBe(0);
    }
    // 4 steps: σ = 3.1686 lies between σ(687) and σ(688) → t rounds to 687.
    expect(createScheduler('dpmpp-2m-karras', { steps: 4 }).timesteps).toEqual([999, 687, 146, 0]);
  });

  it('DDIM 50 steps, leading + steps_offset 1 (SD 1.5): 981, 961, …, 1', () => {
    const s = createScheduler('ddim', { steps: 50 });
    expect(s.timesteps).toEqual(Array.from({ length: 50 }, (_, i) => 981 - 20 * i));
  });

  it('LCM 4 steps picks [999, 759, 499, 259] from the 50-step distillation schedule', () => {
    expect(createScheduler('lcm', { steps: 4 }).timesteps).toEqual([999, 759, 499, 259]);
    expect(createScheduler('lcm', { steps: 4, strength: 0.5 }).timesteps).toEqual([499, 379, 259, 139]);
    expect(() => createScheduler('lcm', { steps: 51 })).toThrow(SchedulerConfigError);
  });

  it('img2img starts at step N − ⌊N·strength⌋ and noises x0 to that step', () => {
    const begin = (name: SchedulerName, strength: number) => createScheduler(name, { steps: 20, strength }).beginIndex;
    expect([1, 0.75, 0.5].map((s) => begin('euler', s))).toEqual([0, 5, 10]);
    expect([1, 0.75, 0.5].map((s) => begin('dpmpp-2m-karras', s))).toEqual([0, 5, 10]);
    const ddim50 = createScheduler('ddim', { steps: 50, strength: 0.75 }); // ⌊37.5⌋ = 37 steps run
    expect([ddim50.beginIndex, ddim50.timesteps[ddim50.beginIndex]]).toEqual([13, 721]);
    expect(begin('lcm', 0.5)).toBe(0);
    expect(() => createScheduler('euler', { steps: 4, strength: 0.2 })).toThrow(/no denoising step/);
    expect(() => createScheduler('euler', { steps: 4, strength: 0 })).toThrow(SchedulerConfigError);

    const x0 = Float32Array.from([1, -2]);
    const z = Float32Array.from([0.5, 0.25]);
    const euler = createScheduler('euler', { steps: 20, strength: 0.5 });
    const sigma = euler.sigmas[10];
    expectClose(Array.from(euler.addNoise(x0, z)), [1 + 0.5 * sigma, -2 + 0.25 * sigma], 1e-6);
    const ddim = createScheduler('ddim', { steps: 20, strength: 0.5 });
    const s = ddim.sigmas[10]; // ᾱ = 1/(σ²+1)
    const [a, b] = [1 / Math.sqrt(s * s + 1), s / Math.sqrt(s * s + 1)];
    expectClose(Array.from(ddim.addNoise(x0, z)), [a + 0.5 * b, -2 * a + 0.25 * b], 1e-6);
  });
});

interface ScheduleVector {
  scheduler: SchedulerName;
  steps: number;
  spacing: TimestepSpacing | null;
  strength?: number;
  timesteps: number[];
  sigmas?: number[];
  initNoiseSigma: number;
}

describe('schedules vs diffusers', () => {
  const schedules = vectors.schedules as ScheduleVector[];
  it('covers every scheduler', () => {
    expect(new Set(schedules.map((v) => v.scheduler)).size).toBe(5);
  });
  for (const v of schedules) {
    const label = `${v.scheduler} ${v.steps} steps ${v.spacing ?? ''}${v.strength ? ` strength ${v.strength}` : ''}`;
    it(label, () => {
      const s = createScheduler(v.scheduler, {
        steps: v.steps,
        strength: v.strength,
        timestepSpacing: v.spacing ?? undefined,
      });
      expect(s.timesteps).toEqual(v.timesteps); // exact, fractional ones included
      // σ are float32 from diffusers' float32 training table, ours the same: equal to the bit.
      if (v.sigmas) expect(s.sigmas).toEqual(v.sigmas);
      expect(s.initNoiseSigma).toBe(v.initNoiseSigma);
    });
  }
});
