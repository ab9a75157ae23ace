// LCM (diffusers LCMScheduler): a few timesteps picked from the distillation schedule; each step
// forms the consistency estimate c_skip·x + c_out·x0 and, except on the last step, re-noises it
// to the next timestep with fresh noise. img2img (strength < 1) shortens the distillation
// schedule itself, so every step of the result runs (beginIndex 0), as diffusers does.
import type { TrainingSchedule } from '../../sa/index.ts';
import { BaseScheduler } from './base.ts';
import { vpX0 } from './ddim.ts';
import { checkStrength, linspace } from './spacing.ts';
import { coefficients } from './step-kernel.ts';
import { SchedulerConfigError, type SchedulerConfig, type StepCoefficients } from './types.ts';

/** LCMScheduler.set_timesteps: `steps` evenly spaced picks of the distillation schedule. */
export function lcmTimesteps(config: SchedulerConfig, steps: number, strength: number): number[] {
  const original = config.originalInferenceSteps;
  const k = Math.floor(config.numTrainTimesteps / original);
  const count = Math.trunc(original * strength);
  if (count < steps || steps > original) {
    throw new SchedulerConfigError(
      `LCM picks its ${steps} steps from ${count} distillation timesteps (original_inference_steps ` +
        `${original} × strength ${strength}) — use at most ${Math.min(count, original)} steps or a higher strength.`,
    );
  }
  const origin = Array.from({ length: count }, (_, i) => (count - i) * k - 1); // descending
  return linspace(0, count, steps, false).map((x) => origin[Math.floor(x)]);
}

export class LcmScheduler extends BaseScheduler {
  readonly name = 'lcm';
  readonly timesteps: readonly number[];
  readonly sigmas: readonly number[];
  readonly beginIndex = 0;
  readonly initNoiseSigma = 1;

  constructor(
    private readonly config: SchedulerConfig,
    private readonly table: TrainingSchedule,
    steps: number,
    strength: number,
  ) {
    super();
    checkStrength(strength);
    this.timesteps = lcmTimesteps(config, steps, strength);
    this.sigmas = [...this.timesteps.map((t) => table.sigmas[t]), 0];
  }

  protected stepCoefficients(i: number): StepCoefficients {
    const t = this.timesteps[i];
    const last = i === this.timesteps.length - 1;
    const alphaPrev = last ? 1 : this.table.alphasCumprod[this.timesteps[i + 1]];
    const scaled = t * this.config.timestepScaling;
    const cSkip = 0.25 / (scaled ** 2 + 0.25); // σ_data = 0.5
    const cOut = scaled / Math.sqrt(scaled ** 2 + 0.25);
    // denoised = c_out·x0 + c_skip·x; prev = √ᾱ_next·denoised + √(1−ᾱ_next)·z (last: denoised)
    const a = Math.sqrt(alphaPrev);
    return coefficients({
      ...vpX0(this.config.predictionType, this.table.alphasCumprod[t]),
      clip: this.config.clipSample ? this.config.clipSampleRange : Infinity,
      prevX0: a * cOut,
      prevSample: a * cSkip,
      prevNoise: last ? 0 : Math.sqrt(1 - alphaPrev),
      drawsNoise: !last,
    });
  }

  protected noiseScales(i: number): [number, number] {
    const alphaProd = this.table.alphasCumprod[this.timesteps[i]];
    return [Math.sqrt(alphaProd), Math.sqrt(1 - alphaProd)];
  }
}
