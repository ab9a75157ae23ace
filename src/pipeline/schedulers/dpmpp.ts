// DPM-Solver++ 2M with Karras σ (diffusers DPMSolverMultistepScheduler, algorithm_type
// dpmsolver++, solver_order 2, midpoint, use_karras_sigmas, final σ 0): data-prediction
// multistep in VP space. The first step of a run and the last step are first order; the others
// reuse the previous step's x0 (the only state a scheduler here keeps).
import { sigmaToTimestep, type TrainingSchedule } from '../../sa/index.ts';
import { BaseScheduler } from './base.ts';
import { img2imgBeginIndex, karrasSigmas, roundHalfEven } from './spacing.ts';
import { coefficients } from './step-kernel.ts';
import { SchedulerStepError, type SchedulerConfig, type StepCoefficients, type StepOutput } from './types.ts';

/** VP scalings of a σ-space level: α = 1/√(σ²+1), σ_vp = σ·α, λ = log α − log σ_vp. */
function vp(sigma: number): { alpha: number; sigmaVp: number; lambda: number } {
  const alpha = 1 / Math.sqrt(sigma ** 2 + 1);
  const sigmaVp = sigma * alpha;
  return { alpha, sigmaVp, lambda: Math.log(alpha) - Math.log(sigmaVp) };
}

export class DpmppScheduler extends BaseScheduler {
  readonly name = 'dpmpp-2m-karras';
  readonly timesteps: readonly number[];
  readonly sigmas: readonly number[];
  readonly beginIndex: number;
  readonly initNoiseSigma = 1;
  private previousX0: Float32Array | null = null;
  private lastIndex = -1;

  constructor(
    private readonly config: SchedulerConfig,
    table: TrainingSchedule,
    steps: number,
    strength: number,
  ) {
    super();
    const n = table.sigmas.length;
    const karras = karrasSigmas(table.sigmas[0], table.sigmas[n - 1], steps);
    this.timesteps = karras.map((s) => roundHalfEven(sigmaToTimestep(s, table.sigmas)));
    this.sigmas = [...karras.map(Math.fround), 0]; // float32 like diffusers' σ tensor
    this.beginIndex = img2imgBeginIndex(steps, strength);
  }

  protected stepCoefficients(i: number): StepCoefficients {
    const s0 = vp(this.sigmas[i]);
    const t = vp(this.sigmas[i + 1]); // σ = 0 at the end: α 1, σ_vp 0, λ = h = ∞, e^{−h} = 0
    // x0 from the model output: epsilon → (x − σ_vp·ε)/α; v → α·x − σ_vp·v
    const x0 =
      this.config.predictionType === 'epsilon'
        ? { x0Sample: 1 / s0.alpha, x0Model: -s0.sigmaVp / s0.alpha }
        : { x0Sample: s0.alpha, x0Model: -s0.sigmaVp };
    const h = t.lambda - s0.lambda;
    const prevSample = t.sigmaVp / s0.sigmaVp;
    const a = -t.alpha * (Math.exp(-h) - 1); // weight of D0 = x0
    if (this.isFirstOrder(i)) return coefficients({ ...x0, prevSample, prevX0: a });
    // D1 = (x0 − x0_prev)/r0, r0 = h_prev/h; midpoint: prev = (σ_t/σ_s)·x + a·D0 + ½a·D1
    const s1 = vp(this.sigmas[i - 1]);
    const r0 = (s0.lambda - s1.lambda) / h;
    return coefficients({ ...x0, prevSample, prevX0: a * (1 + 0.5 / r0), prevHistory: (-a * 0.5) / r0 });
  }

  private isFirstOrder(i: number): boolean {
    return i === this.beginIndex || i === this.timesteps.length - 1;
  }

  protected override history(i: number): Float32Array | null {
    if (i === this.beginIndex) return null;
    if (this.lastIndex !== i - 1 || this.previousX0 === null) {
      throw new SchedulerStepError(
        `dpmpp-2m-karras: step ${i} must follow step ${i - 1} (last run: ${this.lastIndex}); ` +
          `a run starts at beginIndex ${this.beginIndex}.`,
      );
    }
    return this.previousX0;
  }

  protected override afterStep(i: number, out: StepOutput): void {
    this.previousX0 = out.denoised;
    this.lastIndex = i;
  }

  protected noiseScales(i: number): [number, number] {
    const { alpha, sigmaVp } = vp(this.sigmas[i]);
    return [alpha, sigmaVp];
  }
}
