// The SDXL family's scheduler configs parse to the schedulers their models were distilled for, and
// their "trailing" grids are diffusers' EulerDiscreteScheduler.set_timesteps (huggingface/diffusers
// src/diffusers/schedulers/scheduling_euler_discrete.py): step_ratio = T / n,
// timesteps = round(arange(T, 0, −step_ratio)) − 1. Worked by hand for T = 1000:
//   n = 1: [999]; n = 2: [999, 499]; n = 4: [999, 749, 499, 249];
//   n = 8: [999, 874, 749, 624, 499, 374, 249, 124]; n = 3: arange gives 1000, 666.67, 333.33 → [999, 666, 332].
// σ for the 4-step grid is checked against diffusers' own values (schedulers.json, trailing, 4 steps).
import { describe, expect, it } from 'vitest';
import vectors from '../__vectors__/schedulers.json';
import { createScheduler, schedulerNameForClass, schedulerOptionsFromConfig } from './index.ts';

// stabilityai/stable-diffusion-xl-base-1.0 scheduler/scheduler_config.json (read from its copy in
// PRITHIVSAKTHIUR/AI-Art-Generator-SDXL): EulerDiscreteScheduler, leading, steps_offset 1.
const SDXL_BASE = { _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, clip_sample: false, interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon', sample_max_value: 1.0, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, timestep_spacing: 'leading', trained_betas: null, use_karras_sigmas: false };
// stabilityai/sdxl-turbo (and onnxruntime/sdxl-turbo) scheduler/scheduler_config.json: EulerAncestral, trailing.
const SDXL_TURBO = { ...SDXL_BASE, _class_name: 'EulerAncestralDiscreteScheduler', timestep_spacing: 'trailing', use_karras_sigmas: undefined };
// Cyronius/sdxl-lightning-4step-onnx-web's model card: the bundled EulerDiscreteScheduler with
// timestep_spacing "trailing" (ByteDance's SDXL-Lightning example sets the same).
const SDXL_LIGHTNING = { ...SDXL_BASE, timestep_spacing: 'trailing' };

const grid = (config: Record<string, unknown>, steps: number) =>
  createScheduler(schedulerNameForClass(config._class_name)!, { ...schedulerOptionsFromConfig(config), steps });

describe('SDXL-family scheduler configs', () => {
  it('base: Euler, leading ⌊1000/n⌋·k + 1', () => {
    expect(schedulerNameForClass(SDXL_BASE._class_name)).toBe('euler');
    expect(grid(SDXL_BASE, 4).timesteps).toEqual([751, 501, 251, 1]);
  });

  it('Turbo: Euler ancestral, trailing — 1 step is t = 999 from σ_max', () => {
    expect(schedulerNameForClass(SDXL_TURBO._class_name)).toBe('euler-ancestral');
    const s = grid(SDXL_TURBO, 1);
    expect(s.timesteps).toEqual([999]);
    expect(s.initNoiseSigma).toBeCloseTo(14.6146, 3);
  });

  it('Lightning: Euler, trailing, 1/2/3/4/8 steps as worked out above', () => {
    expect(schedulerNameForClass(SDXL_LIGHTNING._class_name)).toBe('euler');
    expect(grid(SDXL_LIGHTNING, 1).timesteps).toEqual([999]);
    expect(grid(SDXL_LIGHTNING, 2).timesteps).toEqual([999, 499]);
    expect(grid(SDXL_LIGHTNING, 3).timesteps).toEqual([999, 666, 332]);
    expect(grid(SDXL_LIGHTNING, 4).timesteps).toEqual([999, 749, 499, 249]);
    expect(grid(SDXL_LIGHTNING, 8).timesteps).toEqual([999, 874, 749, 624, 499, 374, 249, 124]);
  });

  it("Lightning 4 steps: σ equal to diffusers' (float32)", () => {
    const want = vectors.schedules.find((v) => v.scheduler === 'euler' && v.spacing === 'trailing' && v.steps === 4)!;
    const s = grid(SDXL_LIGHTNING, 4);
    expect(Array.from(s.sigmas, Math.fround)).toEqual(want.sigmas!.map(Math.fround));
    expect(s.timesteps).toEqual(want.timesteps);
  });
});
