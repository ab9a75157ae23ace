// The element-wise update every scheduler step reduces to (see StepCoefficients): the one place
// the per-element formula lives, so the GPU version mirrors exactly this loop.
import { SchedulerStepError, type NoiseSource, type StepCoefficients, type StepOutput } from './types.ts';

/** Identity coefficients to start from: x0 = x, prev = x. */
export function coefficients(partial: Partial<StepCoefficients>): StepCoefficients {
  return {
    x0Sample: 1,
    x0Model: 0,
    clip: Infinity,
    prevX0: 0,
    prevSample: 0,
    prevModel: 0,
    prevHistory: 0,
    prevNoise: 0,
    drawsNoise: false,
    ...partial,
  };
}

/**
 * sample, modelOutput, history, noise: [N] (any latent layout, same for all).
 * history: the previous step's x0, needed when c.prevHistory ≠ 0.
 */
export function applyStep(
  c: StepCoefficients,
  sample: Float32Array,
  modelOutput: Float32Array,
  history: Float32Array | null,
  noise: NoiseSource | undefined,
): StepOutput {
  const n = sample.length;
  if (modelOutput.length !== n) {
    throw new SchedulerStepError(`model output has ${modelOutput.length} values but the sample has ${n}.`);
  }
  if (c.prevHistory !== 0 && (history === null || history.length !== n)) {
    throw new SchedulerStepError('this multistep update needs the previous step’s x0 — run the steps in order.');
  }
  let z: Float32Array | null = null;
  if (c.drawsNoise) {
    if (noise === undefined) {
      throw new SchedulerStepError(
        'this step adds fresh noise — pass a NoiseSource, e.g. (n) => generator.randn(n).',
      );
    }
    z = noise(n);
    if (z.length !== n) throw new SchedulerStepError(`the noise source returned ${z.length} values, expected ${n}.`);
  }
  const prev = new Float32Array(n);
  const denoised = new Float32Array(n);
  const h = history ?? prev; // read only when prevHistory ≠ 0
  for (let i = 0; i < n; i++) {
    const x = sample[i];
    const m = modelOutput[i];
    const x0 = Math.min(c.clip, Math.max(-c.clip, c.x0Sample * x + c.x0Model * m));
    let p = c.prevX0 * x0 + c.prevSample * x + c.prevModel * m;
    if (c.prevHistory !== 0) p += c.prevHistory * h[i];
    if (z !== null) p += c.prevNoise * z[i];
    denoised[i] = x0;
    prev[i] = p;
  }
  return { sample: prev, denoised };
}
