// What all samplers share: input scaling, step dispatch through the one element-wise kernel,
// img2img noising as a·x0 + b·noise, and step-index checks. Subclasses supply the numbers.
import { applyStep } from './step-kernel.ts';
import {
  SchedulerStepError,
  type NoiseSource,
  type Scheduler,
  type StepCoefficients,
  type StepOutput,
} from './types.ts';
import type { SchedulerName } from '../../params/request.ts';

export abstract class BaseScheduler implements Scheduler {
  abstract readonly name: SchedulerName;
  abstract readonly timesteps: readonly number[];
  abstract readonly sigmas: readonly number[];
  abstract readonly beginIndex: number;
  abstract readonly initNoiseSigma: number;

  /** Coefficients of step `stepIndex` (already range-checked). */
  protected abstract stepCoefficients(stepIndex: number): StepCoefficients;
  /** [a, b] with noisy = a·x0 + b·noise at the noise level of step `stepIndex`. */
  protected abstract noiseScales(stepIndex: number): [number, number];

  modelInputScale(stepIndex: number): number {
    this.checkIndex(stepIndex);
    return 1;
  }

  /** The U-Net input for a step; returns `sample` itself when the scale is 1. */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    const s = this.modelInputScale(stepIndex);
    return s === 1 ? sample : sample.map((v) => v * s);
  }

  coefficients(stepIndex: number): StepCoefficients {
    this.checkIndex(stepIndex);
    return this.stepCoefficients(stepIndex);
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise?: NoiseSource): StepOutput {
    const c = this.coefficients(stepIndex);
    const out = applyStep(c, sample, modelOutput, this.history(stepIndex), noise);
    this.afterStep(stepIndex, out);
    return out;
  }

  addNoise(x0: Float32Array, noise: Float32Array, stepIndex = this.beginIndex): Float32Array {
    this.checkIndex(stepIndex);
    if (noise.length !== x0.length) {
      throw new SchedulerStepError(`addNoise: ${noise.length} noise values for ${x0.length} latents.`);
    }
    const [a, b] = this.noiseScales(stepIndex);
    return x0.map((v, i) => a * v + b * noise[i]);
  }

  /** The previous x0 a multistep update reads (null for one-step samplers). */
  protected history(_stepIndex: number): Float32Array | null {
    return null;
  }

  protected afterStep(_stepIndex: number, _out: StepOutput): void {}

  protected checkIndex(stepIndex: number): void {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= this.timesteps.length) {
      throw new SchedulerStepError(
        `${this.name}: step index ${stepIndex} is outside 0..${this.timesteps.length - 1}.`,
      );
    }
  }
}
