// One step of each scheduler on a toy input vs the update written out by hand from the papers'
// closed forms; step-order and input errors; scheduler_config.json parsing.
import { describe, expect, it } from 'vitest';
import {
  SchedulerConfigError,
  SchedulerStepError,
  createScheduler,
  schedulerNameForClass,
  schedulerOptionsFromConfig,
  type Scheduler,
} from './index.ts';

const x = Float32Array.from([1, 2, -0.5]);
const m = Float32Array.from([0.5, -1, 0.25]);
const z = Float32Array.from([0.3, -0.7, 1.1]);

function expectValues(got: Float32Array, want: number[], tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) =>
    expect(Math.abs(got[i] - w), `index ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))),
  );
}

/** ᾱ of a step from the scheduler's σ (σ² = (1−ᾱ)/ᾱ). */
const alphaBar = (s: Scheduler, i: number) => 1 / (1 + s.sigmas[i] ** 2);

describe('one step vs the closed form', () => {
  it('Euler (ε): x + ε·(σ_next − σ); x0 = x − σε; input scaled by 1/√(σ²+1)', () => {
    const s = createScheduler('euler', { steps: 10 });
    const [sig, next] = [s.sigmas[3], s.sigmas[4]];
    const out = s.step(m, 3, x);
    expectValues(out.sample, [...x].map((xi, i) => xi + m[i] * (next - sig)));
    expectValues(out.denoised, [...x].map((xi, i) => xi - sig * m[i]));
    expectValues(s.scaleModelInput(x, 3), [...x].map((xi) => xi / Math.sqrt(sig * sig + 1)));
  });

  it('Euler (v): x0 = x/(σ²+1) − σv/√(σ²+1), then the Euler step', () => {
    const s = createScheduler('euler', { steps: 10, predictionType: 'v_prediction' });
    const [sig, next] = [s.sigmas[0], s.sigmas[1]];
    const x0 = [...x].map((xi, i) => xi / (sig * sig + 1) - (sig * m[i]) / Math.sqrt(sig * sig + 1));
    const out = s.step(m, 0, x);
    expectValues(out.denoised, x0);
    expectValues(out.sample, [...x].map((xi, i) => xi + ((xi - x0[i]) / sig) * (next - sig)));
  });

  it('Euler ancestral: to σ_down = σ_next²/σ, plus σ_up = σ_next·√(1 − σ_next²/σ²) of noise', () => {
    const s = createScheduler('euler-ancestral', { steps: 10 });
    const [sig, next] = [s.sigmas[2], s.sigmas[3]];
    const down = (next * next) / sig;
    const up = next * Math.sqrt(1 - (next * next) / (sig * sig));
    const out = s.step(m, 2, x, () => z);
    expectValues(out.sample, [...x].map((xi, i) => xi + m[i] * (down - sig) + up * z[i]));
    expect(() => s.step(m, 2, x)).toThrow(SchedulerStepError);
  });

  it('DDIM (η = 0): √ᾱ_prev·x0 + √(1−ᾱ_prev)·ε with x0 = (x − √(1−ᾱ)ε)/√ᾱ, t_prev = t − 20', () => {
    const s = createScheduler('ddim', { steps: 50 });
    expect(s.timesteps[1]).toBe(s.timesteps[0] - 20);
    const [a, ap] = [alphaBar(s, 0), alphaBar(s, 1)];
    const x0 = [...x].map((xi, i) => (xi - Math.sqrt(1 - a) * m[i]) / Math.sqrt(a));
    const out = s.step(m, 0, x);
    expectValues(out.denoised, x0, 1e-5);
    expectValues(out.sample, x0.map((v, i) => Math.sqrt(ap) * v + Math.sqrt(1 - ap) * m[i]), 1e-5);
    expect(s.scaleModelInput(x, 0)).toBe(x);
  });

  it('DDIM clip_sample clamps x0 to ±range', () => {
    const s = createScheduler('ddim', { steps: 50, clipSample: true, clipSampleRange: 1 });
    const out = s.step(Float32Array.from([-30, 30]), 5, Float32Array.from([0, 0]));
    expect(Array.from(out.denoised)).toEqual([1, -1]);
  });

  it('DPM++ 2M: first step = DDIM from σ_s to σ_t, second uses D1 = (x0 − x0_prev)/r', () => {
    const s = createScheduler('dpmpp-2m-karras', { steps: 8 });
    const vp = (sigma: number) => {
      const alpha = 1 / Math.sqrt(sigma * sigma + 1);
      return [alpha, sigma * alpha];
    };
    const [a0, s0] = vp(s.sigmas[0]);
    const [a1, s1] = vp(s.sigmas[1]);
    const x0a = [...x].map((xi, i) => (xi - s0 * m[i]) / a0);
    const first = s.step(m, 0, x);
    const wantFirst = x0a.map((v, i) => a1 * v + (s1 / s0) * (x[i] - a0 * v));
    expectValues(first.sample, wantFirst, 1e-5);

    const m2 = Float32Array.from([0.1, 0.2, -0.3]);
    const x1 = first.sample;
    const x0b = [...x1].map((xi, i) => (xi - s1 * m2[i]) / a1);
    const [a2, s2] = vp(s.sigmas[2]);
    const lambda = (a: number, sg: number) => Math.log(a / sg);
    const h = lambda(a2, s2) - lambda(a1, s1);
    const r = (lambda(a1, s1) - lambda(a0, s0)) / h;
    const want = x0b.map((v, i) => {
      const d1 = (v - x0a[i]) / r;
      return (s2 / s1) * x1[i] - a2 * (Math.exp(-h) - 1) * (v + 0.5 * d1);
    });
    expectValues(s.step(m2, 1, x1).sample, want, 1e-5);
  });

  it('DPM++ 2M needs its steps in order from beginIndex', () => {
    const s = createScheduler('dpmpp-2m-karras', { steps: 8 });
    expect(() => s.step(m, 1, x)).toThrow(SchedulerStepError);
    s.step(m, 0, x);
    expect(() => s.step(m, 2, x)).toThrow(/must follow step 1/);
    s.step(m, 0, x); // a new run may start over
    expect(() => s.step(m, 1, x)).not.toThrow();
  });

  it('LCM: √ᾱ_next·(c_out·x0 + c_skip·x) + √(1−ᾱ_next)·z, and no noise on the last step', () => {
    const s = createScheduler('lcm', { steps: 4 });
    const t = s.timesteps[1]; // 759
    const cSkip = 0.25 / ((10 * t) ** 2 + 0.25);
    const cOut = (10 * t) / Math.sqrt((10 * t) ** 2 + 0.25);
    const [a, an] = [alphaBar(s, 1), alphaBar(s, 2)];
    const x0 = [...x].map((xi, i) => (xi - Math.sqrt(1 - a) * m[i]) / Math.sqrt(a));
    const den = x0.map((v, i) => cOut * v + cSkip * x[i]);
    let draws = 0;
    const out = s.step(m, 1, x, () => (draws++, z));
    expectValues(out.sample, den.map((d, i) => Math.sqrt(an) * d + Math.sqrt(1 - an) * z[i]), 1e-5);
    expect(draws).toBe(1);
    s.step(m, 3, x, () => (draws++, z));
    expect(draws).toBe(1);
  });

  it('rejects mismatched arrays and step indices', () => {
    const s = createScheduler('euler', { steps: 4 });
    expect(() => s.step(m.subarray(1), 0, x)).toThrow(SchedulerStepError);
    expect(() => s.step(m, 4, x)).toThrow(/outside 0..3/);
    expect(() => s.addNoise(x, z.subarray(1))).toThrow(SchedulerStepError);
    expect(() => createScheduler('euler', { steps: 0 })).toThrow(SchedulerConfigError);
    expect(() => createScheduler('heun' as never, { steps: 4 })).toThrow(/unknown scheduler/);
  });
});

describe('schedulerOptionsFromConfig', () => {
  it('reads SD 1.5 and SD 2.1 (v) scheduler_config.json', () => {
    const sd15 = {
      _class_name: 'PNDMScheduler',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      clip_sample: false,
      num_train_timesteps: 1000,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      steps_offset: 1,
      trained_betas: null,
    };
    expect(schedulerOptionsFromConfig(sd15)).toEqual({
      betaEnd: 0.012,
      betaSchedule: 'scaled_linear',
      betaStart: 0.00085,
      clipSample: false,
      numTrainTimesteps: 1000,
      setAlphaToOne: false,
      stepsOffset: 1,
    });
    const sd21 = {
      ...sd15,
      _class_name: 'DDIMScheduler',
      prediction_type: 'v_prediction',
      timestep_spacing: 'trailing',
    };
    const opts = schedulerOptionsFromConfig(sd21);
    expect([opts.predictionType, opts.timestepSpacing]).toEqual(['v_prediction', 'trailing']);
    expect(schedulerNameForClass(sd21._class_name)).toBe('ddim');
    expect(schedulerNameForClass(sd15._class_name)).toBeUndefined();
    expect(createScheduler('ddim', { steps: 4, ...opts }).timesteps).toEqual([999, 749, 499, 249]);
  });

  it('reads LCM keys', () => {
    const lcm = { original_inference_steps: 25, timestep_scaling: 10, set_alpha_to_one: true };
    const opts = schedulerOptionsFromConfig(lcm);
    expect(opts).toEqual({ originalInferenceSteps: 25, timestepScaling: 10, setAlphaToOne: true });
    expect(createScheduler('lcm', { steps: 2, ...opts }).timesteps).toEqual([999, 519]);
  });

  it('refuses what it cannot honour, naming the key', () => {
    expect(() => schedulerOptionsFromConfig({ prediction_type: 'sample' })).toThrow(/prediction_type/);
    expect(() => schedulerOptionsFromConfig({ beta_schedule: 'squaredcos_cap_v2' })).toThrow(/beta_schedule/);
    expect(() => schedulerOptionsFromConfig({ trained_betas: [0.1] })).toThrow(/trained_betas/);
    expect(() => schedulerOptionsFromConfig({ rescale_betas_zero_snr: true })).toThrow(/zero-terminal/);
    expect(() => schedulerOptionsFromConfig({ steps_offset: 1.5 })).toThrow(/steps_offset/);
    expect(() => schedulerOptionsFromConfig('nope')).toThrow(SchedulerConfigError);
  });
});
