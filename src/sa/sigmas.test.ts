// The SD training schedule and σ → t (diffusers' _sigma_to_t), checked against values worked out
// by hand from β and against the interpolation rule itself.
import { describe, expect, it } from 'vitest';
import { SD_TRAINING_SCHEDULE, TRAINING_SIGMAS, scaledLinearSchedule, sigmaToTimestep, timestepToSigma } from './sigmas.ts';

describe('SD training schedule', () => {
  const { betas, alphasCumprod, sigmas } = SD_TRAINING_SCHEDULE;

  it('has 1000 betas from 0.00085 to 0.012, linear in √β', () => {
    expect(betas.length).toBe(1000);
    expect(betas[0]).toBeCloseTo(0.00085, 15);
    expect(betas[999]).toBe(0.012);
    // √β steps by (√0.012 − √0.00085)/999 = (0.1095445 − 0.0291548)/999 = 8.04701e-5
    expect(Math.sqrt(betas[1]) - Math.sqrt(betas[0])).toBeCloseTo(8.04701e-5, 9);
    expect(Math.sqrt(betas[500]) - Math.sqrt(betas[499])).toBeCloseTo(8.04701e-5, 9);
  });

  it('gives σ_min = √(β₀/(1−β₀)) and the well-known σ_max', () => {
    // ᾱ₀ = 1 − 0.00085 = 0.99915; σ₀ = √(0.00085 / 0.99915) = √8.50723e-4 = 0.0291672
    expect(alphasCumprod[0]).toBeCloseTo(0.99915, 15);
    expect(sigmas[0]).toBeCloseTo(0.0291672, 7);
    // ᾱ₁ = 0.99915 · (1 − β₁), β₁ = (√0.00085 + 8.04702e-5)² = 0.00085470
    expect(alphasCumprod[1]).toBeCloseTo(0.99915 * (1 - 0.0008547), 8);
    // σ_max of SD 1.x/2.x samplers (diffusers, k-diffusion): 14.6146; ᾱ_999 = 1/(1 + σ²) = 0.0046601
    expect(sigmas[999]).toBeCloseTo(14.6146, 4);
    expect(alphasCumprod[999]).toBeCloseTo(0.0046601, 7);
  });

  it('σ increases strictly with t', () => {
    for (let t = 1; t < 1000; t++) expect(sigmas[t]).toBeGreaterThan(sigmas[t - 1]);
  });

  it('rejects a table too short to interpolate', () => {
    expect(() => scaledLinearSchedule(0.00085, 0.012, 1)).toThrow(RangeError);
  });
});

describe('sigmaToTimestep', () => {
  it('maps every training σ back to its own t', () => {
    for (let t = 0; t < 1000; t++) expect(sigmaToTimestep(TRAINING_SIGMAS[t])).toBeCloseTo(t, 9);
  });

  it('interpolates log σ, not σ: the geometric mean of σ₅₀₀ and σ₅₀₁ is t = 500.5', () => {
    const geo = Math.sqrt(TRAINING_SIGMAS[500] * TRAINING_SIGMAS[501]);
    const arith = (TRAINING_SIGMAS[500] + TRAINING_SIGMAS[501]) / 2;
    expect(sigmaToTimestep(geo)).toBeCloseTo(500.5, 9);
    // arithmetic mean > geometric mean, so it lands a little past 500.5
    expect(sigmaToTimestep(arith)).toBeGreaterThan(500.5);
    expect(sigmaToTimestep(arith)).toBeLessThan(500.51);
  });

  it('matches diffusers for σ = 1 and σ = 5', () => {
    // numpy run of diffusers' EulerDiscreteScheduler._sigma_to_t on this table: 353.8904, 795.1731
    expect(sigmaToTimestep(1)).toBeCloseTo(353.8904, 3);
    expect(sigmaToTimestep(5)).toBeCloseTo(795.1731, 3);
  });

  it('clamps to 0 below σ_min (σ = 0 included) and to 999 above σ_max', () => {
    expect(sigmaToTimestep(0.01)).toBe(0);
    expect(sigmaToTimestep(0)).toBe(0);
    expect(sigmaToTimestep(100)).toBe(999);
    expect(sigmaToTimestep(Infinity)).toBe(999);
  });

  it('refuses NaN', () => {
    expect(() => sigmaToTimestep(NaN)).toThrow(RangeError);
    expect(() => timestepToSigma(NaN)).toThrow(RangeError);
  });

  it('accepts another increasing table', () => {
    const table = new Float64Array([1, Math.E, Math.E ** 3]);
    // log σ = 0, 1, 3: log σ = 2 is halfway from index 1 to 2
    expect(sigmaToTimestep(Math.E ** 2, table)).toBeCloseTo(1.5, 12);
    expect(sigmaToTimestep(Math.E ** 0.25, table)).toBeCloseTo(0.25, 12);
  });
});

describe('timestepToSigma', () => {
  it('interpolates σ linearly and clamps t to [0, 999]', () => {
    expect(timestepToSigma(999)).toBe(TRAINING_SIGMAS[999]);
    expect(timestepToSigma(0)).toBe(TRAINING_SIGMAS[0]);
    expect(timestepToSigma(500.5)).toBeCloseTo((TRAINING_SIGMAS[500] + TRAINING_SIGMAS[501]) / 2, 12);
    expect(timestepToSigma(-3)).toBe(TRAINING_SIGMAS[0]);
    expect(timestepToSigma(1200)).toBe(TRAINING_SIGMAS[999]);
  });

  it('round-trips integer timesteps through sigmaToTimestep', () => {
    for (const t of [0, 1, 250, 499, 981, 998, 999]) expect(sigmaToTimestep(timestepToSigma(t))).toBeCloseTo(t, 9);
  });
});
