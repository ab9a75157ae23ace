// Euler and Euler ancestral (diffusers EulerDiscreteScheduler / EulerAncestralDiscreteScheduler):
// the sample lives in σ-space (x = x0 + σ·ε), the U-Net sees x/√(σ²+1), and σ comes from the
// training table interpolated at the (possibly fractional) timestep.
import { timestepToSigma, type TrainingSchedule } from '../../sa/index.ts';
import { BaseScheduler } from './base.ts';
import { eulerTimesteps, img2imgBeginIndex } from './spacing.ts';
import { coefficients } from './step-kernel.ts';
import type { SchedulerConfig, StepCoefficients } from './types.ts';

export class EulerScheduler extends BaseScheduler {
  readonly timesteps: readonly number[];
  readonly sigmas: readonly number[];
  readonly beginIndex: number;
  readonly initNoiseSigma: number;

  constructor(
    readonly name: 'euler' | 'euler-ancestral',
    private readonly config: SchedulerConfig,
    table: TrainingSchedule,
    steps: number,
    strength: number,
  ) {
    super();
    const spacing = config.timestepSpacing ?? 'linspace';
    this.timesteps = eulerTimesteps({
      steps,
      numTrainTimesteps: config.numTrainTimesteps,
      stepsOffset: config.stepsOffset,
      spacing,
    });
    // float32 like diffusers' σ tensor
    this.sigmas = [...this.timesteps.map((t) => Math.fround(timestepToSigma(t, table.sigmas))), 0];
    const max = Math.max(...this.sigmas);
    this.initNoiseSigma = spacing === 'leading' ? Math.fround(Math.sqrt(Math.fround(Math.fround(max * max) + 1))) : max;
    this.beginIndex = img2imgBeginIndex(steps, strength);
  }

  override modelInputScale(stepIndex: number): number {
    this.checkIndex(stepIndex);
    return 1 / Math.sqrt(this.sigmas[stepIndex] ** 2 + 1);
  }

  protected stepCoefficients(i: number): StepCoefficients {
    const sigma = this.sigmas[i];
    const next = this.sigmas[i + 1];
    // x0 from the model output (epsilon: x − σε; v: c_skip·x + c_out·v)
    const x0 =
      this.config.predictionType === 'epsilon'
        ? { x0Sample: 1, x0Model: -sigma }
        : { x0Sample: 1 / (sigma ** 2 + 1), x0Model: -sigma / Math.sqrt(sigma ** 2 + 1) };
    if (this.name === 'euler') {
      // prev = x + (x − x0)/σ · (σ_next − σ)
      const ratio = next / sigma;
      return coefficients({ ...x0, prevSample: ratio, prevX0: 1 - ratio });
    }
    // Ancestral: step deterministically to σ_down, then add σ_up of fresh noise.
    const sigmaUp = Math.sqrt((next ** 2 * (sigma ** 2 - next ** 2)) / sigma ** 2);
    const sigmaDown = Math.sqrt(Math.max(0, next ** 2 - sigmaUp ** 2)); // = σ_next²/σ
    const ratio = sigmaDown / sigma;
    return coefficients({ ...x0, prevSample: ratio, prevX0: 1 - ratio, prevNoise: sigmaUp, drawsNoise: true });
  }

  protected noiseScales(i: number): [number, number] {
    return [1, this.sigmas[i]];
  }
}
