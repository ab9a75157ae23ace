// Timestep grids as diffusers builds them: the leading / trailing / linspace spacings (numpy's
// linspace, arange and round-half-even included, so integer timesteps come out identical),
// Karras σ, and the img2img start index.
import { SchedulerConfigError, type TimestepSpacing } from './types.ts';

/** numpy.linspace(start, stop, num[, endpoint]) in float64. */
export function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** numpy.arange(start, stop, step) for a float step. */
export function arange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length }, (_, i) => start + i * step);
}

/** numpy.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface SpacingArgs {
  steps: number;
  numTrainTimesteps: number;
  stepsOffset: number;
  spacing: TimestepSpacing;
}

/**
 * Euler-family timesteps (EulerDiscreteScheduler.set_timesteps): float32 values, fractional for
 * linspace. Descending.
 */
export function eulerTimesteps({ steps, numTrainTimesteps: T, stepsOffset, spacing }: SpacingArgs): number[] {
  switch (spacing) {
    case 'linspace':
      return linspace(0, T - 1, steps).map(Math.fround).reverse();
    case 'leading': {
      const ratio = Math.floor(T / steps);
      return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return arange(T, 0, -T / steps).map((t) => roundHalfEven(t) - 1);
  }
}

/** DDIM / LCM-style integer timesteps (DDIMScheduler.set_timesteps), descending. */
export function ddimTimesteps(args: SpacingArgs): number[] {
  if (args.spacing !== 'linspace') return eulerTimesteps(args); // already integers
  return linspace(0, args.numTrainTimesteps - 1, args.steps).map(roundHalfEven).reverse();
}

/** Karras et al. (2022) σ ramp with ρ = 7 from σ_max down to σ_min, `steps` values. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): number[] {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, steps).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Steps skipped by img2img: t_start of diffusers' get_timesteps(num_inference_steps, strength). */
export function img2imgBeginIndex(steps: number, strength: number): number {
  checkStrength(strength);
  const initSteps = Math.min(Math.trunc(steps * strength), steps);
  if (initSteps < 1) {
    throw new SchedulerConfigError(
      `strength ${strength} with ${steps} steps leaves no denoising step — raise the strength or the step count.`,
    );
  }
  return steps - initSteps;
}

export function checkStrength(strength: number): void {
  if (!(strength > 0 && strength <= 1)) {
    throw new SchedulerConfigError(`strength must be in (0, 1], got ${strength}.`);
  }
}

export function checkSteps(steps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw new SchedulerConfigError(`steps must be an integer in 1..${numTrainTimesteps}, got ${steps}.`);
  }
}
