// The Stable Diffusion training noise schedule (scaled_linear betas 0.00085..0.012 over 1000
// steps) and the map from a sampler's σ back to the model timestep t, as diffusers'
// `_sigma_to_t` does it: linear interpolation of log σ over the training table. SA's time
// schedule (SPEC_SA.md §3) is driven by that t.

export interface TrainingSchedule {
  /** betas[t], t = 0..steps-1 */
  readonly betas: Float64Array;
  /** ᾱ_t = Π_{i≤t} (1 − β_i) */
  readonly alphasCumprod: Float64Array;
  /** σ_t = √((1 − ᾱ_t) / ᾱ_t), increasing in t */
  readonly sigmas: Float64Array;
}

/** scaled_linear: β = linspace(√βstart, √βend, steps)². */
export function scaledLinearSchedule(betaStart = 0.00085, betaEnd = 0.012, steps = 1000): TrainingSchedule {
  if (!(steps >= 2) || !Number.isInteger(steps)) {
    throw new RangeError(`scaledLinearSchedule: steps must be an integer ≥ 2, got ${steps}.`);
  }
  const a = Math.sqrt(betaStart);
  const b = Math.sqrt(betaEnd);
  const step = (b - a) / (steps - 1); // as numpy.linspace: start + i·step, last = end
  const betas = new Float64Array(steps);
  const alphasCumprod = new Float64Array(steps);
  const sigmas = new Float64Array(steps);
  let prod = 1;
  for (let t = 0; t < steps; t++) {
    const root = t === steps - 1 ? b : t * step + a;
    betas[t] = root * root;
    prod *= 1 - betas[t];
    alphasCumprod[t] = prod;
    sigmas[t] = Math.sqrt((1 - prod) / prod);
  }
  return { betas, alphasCumprod, sigmas };
}

/** The schedule SD 1.x and 2.x were trained with. */
export const SD_TRAINING_SCHEDULE: TrainingSchedule = scaledLinearSchedule();
export const TRAINING_SIGMAS: Float64Array = SD_TRAINING_SCHEDULE.sigmas;
export const TRAIN_TIMESTEPS = 1000;

const SD_LOG_SIGMAS = logOf(TRAINING_SIGMAS);

function logOf(xs: Float64Array): Float64Array {
  return xs.map((x) => Math.log(x));
}

/**
 * Model timestep t ∈ [0, steps−1] (fractional) for a sampler's σ. Below the table's first σ
 * gives 0, above its last gives steps−1, as in diffusers. `sigmas` must increase.
 */
export function sigmaToTimestep(sigma: number, sigmas: Float64Array = TRAINING_SIGMAS): number {
  if (Number.isNaN(sigma)) throw new RangeError('sigmaToTimestep: σ is NaN — check the scheduler’s sigma table.');
  const logSigmas = sigmas === TRAINING_SIGMAS ? SD_LOG_SIGMAS : logOf(sigmas);
  const n = logSigmas.length;
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // low = last index with logSigmas[low] ≤ logSigma (0 when none), at most n − 2.
  let lo = 0;
  let hi = n - 1;
  if (logSigmas[0] > logSigma) hi = 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (logSigmas[mid] <= logSigma) lo = mid;
    else hi = mid - 1;
  }
  const low = Math.min(lo, n - 2);
  const wRaw = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]);
  const w = Math.min(1, Math.max(0, wRaw));
  return (1 - w) * low + w * (low + 1);
}

/** σ at a (fractional) timestep, by linear interpolation of σ as diffusers' Euler schedulers do. */
export function timestepToSigma(t: number, sigmas: Float64Array = TRAINING_SIGMAS): number {
  if (Number.isNaN(t)) throw new RangeError('timestepToSigma: t is NaN.');
  const last = sigmas.length - 1;
  const c = Math.min(last, Math.max(0, t));
  const low = Math.min(Math.floor(c), last - 1);
  const f = c - low;
  return sigmas[low] * (1 - f) + sigmas[low + 1] * f;
}
