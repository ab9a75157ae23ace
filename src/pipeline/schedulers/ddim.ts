// DDIM with η = 0 (diffusers DDIMScheduler): the sample lives in VP space (x = √ᾱ·x0 + √(1−ᾱ)·ε)
// at integer timesteps; each step jumps to t − ⌊T/N⌋ whatever the spacing, as diffusers does.
import type { TrainingSchedule } from '../../sa/index.ts';
import { BaseScheduler } from './base.ts';
import { ddimTimesteps, img2imgBeginIndex } from './spacing.ts';
import { coefficients } from './step-kernel.ts';
import type { PredictionType, SchedulerConfig, StepCoefficients } from './types.ts';

/** x0 from the model output at ᾱ: epsilon → (x − √(1−ᾱ)·ε)/√ᾱ; v → √ᾱ·x − √(1−ᾱ)·v. */
export function vpX0(
  prediction: PredictionType,
  alphaProd: number,
): { x0Sample: number; x0Model: number } {
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  return prediction === 'epsilon' ? { x0Sample: 1 / a, x0Model: -b / a } : { x0Sample: a, x0Model: -b };
}

export class DdimScheduler extends BaseScheduler {
  readonly name = 'ddim';
  readonly timesteps: readonly number[];
  readonly sigmas: readonly number[];
  readonly beginIndex: number;
  readonly initNoiseSigma = 1;
  private readonly finalAlphaProd: number;
  private readonly stride: number;

  constructor(
    private readonly config: SchedulerConfig,
    private readonly table: TrainingSchedule,
    steps: number,
    strength: number,
  ) {
    super();
    this.timesteps = ddimTimesteps({
      steps,
      numTrainTimesteps: config.numTrainTimesteps,
      stepsOffset: config.stepsOffset,
      spacing: config.timestepSpacing ?? 'leading',
    });
    this.stride = Math.floor(config.numTrainTimesteps / steps);
    this.finalAlphaProd = config.setAlphaToOne ? 1 : table.alphasCumprod[0];
    const finalSigma = Math.sqrt((1 - this.finalAlphaProd) / this.finalAlphaProd);
    this.sigmas = [...this.timesteps.map((t) => table.sigmas[t]), finalSigma];
    this.beginIndex = img2imgBeginIndex(steps, strength);
  }

  protected stepCoefficients(i: number): StepCoefficients {
    const t = this.timesteps[i];
    const alphaProd = this.table.alphasCumprod[t];
    const prevT = t - this.stride;
    const alphaPrev = prevT >= 0 ? this.table.alphasCumprod[prevT] : this.finalAlphaProd;
    const dir = Math.sqrt(1 - alphaPrev); // × predicted ε
    // ε from the model output: epsilon → m; v → √ᾱ·m + √(1−ᾱ)·x (unclipped, as diffusers)
    const eps =
      this.config.predictionType === 'epsilon'
        ? { prevModel: dir, prevSample: 0 }
        : { prevModel: dir * Math.sqrt(alphaProd), prevSample: dir * Math.sqrt(1 - alphaProd) };
    return coefficients({
      ...vpX0(this.config.predictionType, alphaProd),
      clip: this.config.clipSample ? this.config.clipSampleRange : Infinity,
      prevX0: Math.sqrt(alphaPrev),
      ...eps,
    });
  }

  protected noiseScales(i: number): [number, number] {
    const alphaProd = this.table.alphasCumprod[this.timesteps[i]];
    return [Math.sqrt(alphaProd), Math.sqrt(1 - alphaProd)];
  }
}
