// The scheduler contract shared by the denoising loop and every sampler (Euler, Euler ancestral,
// DDIM, DPM++ 2M Karras, LCM), their options, and the typed errors they throw. Samplers follow
// diffusers' formulas; a step is addressed by its index into `timesteps`, not by timestep value.
import type { SchedulerName } from '../../params/request.ts';

export type PredictionType = 'epsilon' | 'v_prediction';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';
export type BetaSchedule = 'scaled_linear' | 'linear';

/** The model-side settings of diffusers' scheduler_config.json (defaults: SD 1.x / 2.x). */
export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  predictionType: PredictionType;
  /** undefined: the scheduler's own diffusers default (DDIM, LCM leading; the others linspace). */
  timestepSpacing?: TimestepSpacing;
  stepsOffset: number;
  /** DDIM: ᾱ used after the last step — 1, or ᾱ₀ when false. */
  setAlphaToOne: boolean;
  /** DDIM / LCM: clamp the predicted x₀ to ±clipSampleRange. */
  clipSample: boolean;
  clipSampleRange: number;
  /** LCM: length of the distillation schedule the steps are picked from. */
  originalInferenceSteps: number;
  /** LCM: t scaling in the consistency boundary condition (c_skip, c_out). */
  timestepScaling: number;
}

export const SD_SCHEDULER_CONFIG: Readonly<SchedulerConfig> = {
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  predictionType: 'epsilon',
  timestepSpacing: undefined,
  stepsOffset: 1,
  setAlphaToOne: false,
  clipSample: false,
  clipSampleRange: 1,
  originalInferenceSteps: 50,
  timestepScaling: 10,
};

export interface SchedulerOptions extends Partial<SchedulerConfig> {
  /** Inference steps of the full schedule. */
  steps: number;
  /** img2img strength in (0, 1]: the share of the schedule that runs; 1 (default) = txt2img. */
  strength?: number;
}

/**
 * One step as an element-wise linear map; `applyStep` is its only implementation, so a WGSL
 * kernel can mirror it with these eight numbers as uniforms:
 *   x0   = clamp(x0Sample·x + x0Model·m, −clip, clip)
 *   prev = prevX0·x0 + prevSample·x + prevModel·m + prevHistory·h + prevNoise·z
 * x: sample, m: model output, h: the previous step's x0 (multistep), z: fresh noise.
 */
export interface StepCoefficients {
  x0Sample: number;
  x0Model: number;
  /** Infinity: no clamp. */
  clip: number;
  prevX0: number;
  prevSample: number;
  prevModel: number;
  prevHistory: number;
  prevNoise: number;
  /** The step draws noise (z) — even with prevNoise 0, to keep the generator in step with diffusers. */
  drawsNoise: boolean;
}

export interface StepOutput {
  /** The sample for the next step (after the last step: the final latents). */
  sample: Float32Array;
  /** The predicted clean latents x₀ of this step (for previews; LCM: before c_skip/c_out). */
  denoised: Float32Array;
}

/** Fresh standard normals for a tensor of `count` elements, e.g. `(n) => generator.randn(n)`. */
export type NoiseSource = (count: number) => Float32Array;

export interface Scheduler {
  readonly name: SchedulerName;
  /** Model timestep of each step, 0..T−1 (fractional for Euler with linspace spacing). */
  readonly timesteps: readonly number[];
  /**
   * Noise level of the sample entering each step as σ = √((1−ᾱ)/ᾱ), plus a last entry for the
   * output of the final step — 0, except DDIM without set_alpha_to_one (σ at t = 0, ≈ 0.029);
   * length timesteps.length + 1. float32 values, equal to diffusers' for the σ-based samplers.
   */
  readonly sigmas: readonly number[];
  /** First step to run: 0 for txt2img, later for img2img (strength < 1). */
  readonly beginIndex: number;
  /** Scale of the initial noise for txt2img: latents = noise · initNoiseSigma. */
  readonly initNoiseSigma: number;
  /** Factor the U-Net input is multiplied by at a step (1/√(σ²+1) for Euler; else 1). */
  modelInputScale(stepIndex: number): number;
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  coefficients(stepIndex: number): StepCoefficients;
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise?: NoiseSource): StepOutput;
  /** img2img start latents: x0 noised to the level of step `stepIndex` (default beginIndex). */
  addNoise(x0: Float32Array, noise: Float32Array, stepIndex?: number): Float32Array;
}

/** A setting or config value this implementation does not support. */
export class SchedulerConfigError extends Error {
  override name = 'SchedulerConfigError';
}

/** A step called out of order, without noise it needs, or with arrays of the wrong size. */
export class SchedulerStepError extends Error {
  override name = 'SchedulerStepError';
}
