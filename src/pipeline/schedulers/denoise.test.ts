// Whole denoising loops: (1) diffusers' own loop on a toy model with a seeded torch generator,
// reproduced to float32 precision; (2) a model that predicts the exact ε of a known x0 — every
// scheduler must land on x0; (3) Gaussian data, whose probability-flow ODE has a closed-form
// end point — the deterministic samplers must reach it with their expected accuracy.
import { describe, expect, it } from 'vitest';
import vectors from '../__vectors__/schedulers.json';
import { TorchGenerator } from '../random.ts';
import { SCHEDULER_NAMES, type SchedulerName } from '../../params/request.ts';
import { createScheduler, type PredictionType, type Scheduler } from './index.ts';

type Model = (input: Float32Array, stepIndex: number) => Float32Array;

/** The diffusers loop: from s.beginIndex, scale the input, ask the model, step. */
function denoise(s: Scheduler, latents: Float32Array, model: Model, gen?: TorchGenerator): Float32Array[] {
  const samples: Float32Array[] = [];
  let x = latents;
  for (let i = s.beginIndex; i < s.timesteps.length; i++) {
    x = s.step(model(s.scaleModelInput(x, i), i), i, x, gen && ((n) => gen.randn(n))).sample;
    samples.push(x);
  }
  return samples;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const N = 4 * 8 * 8;

describe('trajectories vs diffusers (toy model, seeded generator)', () => {
  interface Trajectory {
    scheduler: SchedulerName;
    steps: number;
    prediction: PredictionType;
    strength: number;
    seed: number;
    timesteps: number[];
    afterFirstStep: number[];
    final: number[];
  }
  // Mirrors toy_model / toy_x0 of scripts/torch-reference/scheduler_vectors.py.
  const toyModel = (prediction: PredictionType, t: number) => (x: Float32Array) =>
    x.map((v, i) => 0.9 * v + 0.05 * Math.sin(0.01 * t + 0.1 * i) - (prediction === 'v_prediction' ? 0.3 * v : 0));
  const toyX0 = Float32Array.from({ length: N }, (_, i) => Math.cos(0.37 * i));

  for (const v of vectors.trajectories as Trajectory[]) {
    it(`${v.scheduler} ${v.steps} steps, ${v.prediction}, strength ${v.strength}`, () => {
      const s = createScheduler(v.scheduler, { steps: v.steps, predictionType: v.prediction, strength: v.strength });
      expect(s.timesteps.slice(s.beginIndex)).toEqual(v.timesteps);
      const gen = new TorchGenerator(v.seed);
      const latents = v.strength < 1 ? s.addNoise(toyX0, gen.randn(N)) : gen.randn(N).map((z) => z * s.initNoiseSigma);
      const samples = denoise(s, latents, (x, i) => toyModel(v.prediction, s.timesteps[i])(x), gen);
      // diffusers steps in float32 torch ops, we in float64 then round: a few float32 ulps apart
      // (measured ≤ 1.2e-6).
      const scale = Math.max(1, ...v.final.map(Math.abs), ...v.afterFirstStep.map(Math.abs));
      expect(maxAbsDiff(samples[0], v.afterFirstStep)).toBeLessThan(5e-6 * scale);
      expect(maxAbsDiff(samples[samples.length - 1], v.final)).toBeLessThan(5e-6 * scale);
    });
  }
});

/** x0 with structure and range like SD latents. */
const X0 = Float32Array.from({ length: N }, (_, i) => 1.5 * Math.sin(0.21 * i) + 0.3 * Math.cos(1.7 * i));

/**
 * A perfect denoiser for a single known x0: sees only the (scaled) model input and the step's
 * noise level σ, as a U-Net sees t. Input x̃ = α·x0 + σ_vp·ε, α = 1/√(σ²+1), σ_vp = σα.
 */
function oracle(s: Scheduler, prediction: PredictionType): Model {
  return (input, i) => {
    const sigma = s.sigmas[i];
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const sigmaVp = sigma * alpha;
    return input.map((v, k) => {
      const eps = (v - alpha * X0[k]) / sigmaVp;
      return prediction === 'epsilon' ? eps : alpha * eps - sigmaVp * X0[k];
    });
  };
}

describe('a model that predicts the exact ε of a known x0', () => {
  for (const name of SCHEDULER_NAMES) {
    for (const prediction of ['epsilon', 'v_prediction'] as const) {
      for (const [steps, strength] of [[4, 1], [25, 1], [20, 0.5]] as const) {
        it(`${name}, ${prediction}, ${steps} steps, strength ${strength}: ends at x0`, () => {
          // DDIM ends at ᾱ₀ (σ ≈ 0.03) unless set_alpha_to_one; use 1 so every sampler ends at σ = 0.
          const s = createScheduler(name, { steps, strength, predictionType: prediction, setAlphaToOne: true });
          expect(s.sigmas[s.sigmas.length - 1]).toBe(0);
          const gen = new TorchGenerator(5);
          const noise = gen.randn(N);
          const latents = strength < 1 ? s.addNoise(X0, noise) : noise.map((z) => z * s.initNoiseSigma);
          const samples = denoise(s, latents, oracle(s, prediction), gen);
          expect(samples.length).toBe(s.timesteps.length - s.beginIndex);
          expect(maxAbsDiff(samples[samples.length - 1], X0)).toBeLessThan(1e-4);
        });
      }
    }
  }

  it('a model that is off by a constant leaves the error visible (the check can fail)', () => {
    const s = createScheduler('dpmpp-2m-karras', { steps: 10 });
    const exact = oracle(s, 'epsilon');
    const final = denoise(s, new TorchGenerator(5).randn(N), (x, i) => exact(x, i).map((e) => e + 0.01));
    expect(maxAbsDiff(final[final.length - 1], X0)).toBeGreaterThan(1e-4); // ≈ 0.01·σ_min
  });
});

describe('Gaussian data: the probability-flow ODE end point', () => {
  // x0 ~ N(μ, s²) per element; the exact posterior mean E[x0 | x_σ] is linear, and the ODE maps
  // x_σ(σ_T) to μ + (x_σ(σ_T) − μ)·s/√(s² + σ_T²) (x_σ = x/α is the σ-space sample).
  const mu = Float32Array.from({ length: N }, (_, i) => 0.8 * Math.sin(0.13 * i));
  const sd = Float32Array.from({ length: N }, (_, i) => 0.3 + 0.5 * (0.5 + 0.5 * Math.cos(0.29 * i)));
  const denoiser =
    (s: Scheduler): Model =>
    (input, i) => {
      const sigma = s.sigmas[i];
      const alpha = 1 / Math.sqrt(sigma * sigma + 1);
      const sigmaVp = sigma * alpha;
      return input.map((v, k) => {
        const s2 = sd[k] * sd[k];
        const x0 = mu[k] + ((alpha * s2) / (alpha * alpha * s2 + sigmaVp * sigmaVp)) * (v - alpha * mu[k]);
        return (v - alpha * x0) / sigmaVp;
      });
    };

  function endPointError(name: SchedulerName, steps: number): number {
    const s = createScheduler(name, { steps, setAlphaToOne: true });
    const start = new TorchGenerator(21).randn(N).map((z) => z * s.initNoiseSigma);
    const sigmaT = s.sigmas[0];
    // Euler's sample is in σ-space already; DDIM's and DPM's (initNoiseSigma 1) is α-scaled.
    const startSigmaSpace = start.map((v) => v * (s.initNoiseSigma === 1 ? Math.sqrt(sigmaT * sigmaT + 1) : 1));
    const samples = denoise(s, start, denoiser(s));
    const want = startSigmaSpace.map((v, k) => mu[k] + ((v - mu[k]) * sd[k]) / Math.sqrt(sd[k] ** 2 + sigmaT ** 2));
    return maxAbsDiff(samples[samples.length - 1], want);
  }

  it('DPM++ 2M is second order: error ≪ Euler’s, and falls > 3× when steps double', () => {
    const [dpm10, dpm20, dpm40] = [10, 20, 40].map((n) => endPointError('dpmpp-2m-karras', n));
    expect(dpm20).toBeLessThan(0.05); // measured 0.029
    expect(dpm20).toBeLessThan(endPointError('euler', 20) / 4); // Euler: 0.19
    expect(dpm10 / dpm20).toBeGreaterThan(3); // measured 4.4
    expect(dpm20 / dpm40).toBeGreaterThan(3); // measured 5.5
  });

  it('Euler and DDIM are first order: the error halves when steps double', () => {
    for (const name of ['euler', 'ddim'] as const) {
      const [e20, e40, e80] = [20, 40, 80].map((n) => endPointError(name, n));
      expect(e80).toBeLessThan(0.06); // measured 0.050 / 0.047
      expect(e20 / e40).toBeGreaterThan(1.6);
      expect(e20 / e40).toBeLessThan(2.5);
      expect(e40 / e80).toBeGreaterThan(1.6);
    }
  });
});

describe('Euler ancestral with a seed', () => {
  it('reproduces itself and depends on the seed', () => {
    const run = (seed: number) => {
      const s = createScheduler('euler-ancestral', { steps: 12 });
      const gen = new TorchGenerator(seed);
      const model = oracle(s, 'epsilon');
      const start = gen.randn(N).map((z) => z * s.initNoiseSigma);
      const samples = denoise(s, start, (x, i) => model(x, i).map((e) => 0.9 * e), gen);
      return samples[5];
    };
    expect(run(1234)).toEqual(run(1234));
    expect(maxAbsDiff(run(1234), run(1235))).toBeGreaterThan(0.1);
  });
});
