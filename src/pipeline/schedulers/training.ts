// The training noise table exactly as diffusers builds it in float32 torch ops, so integer
// timesteps derived from σ (DPM++ Karras rounds σ → t) come out identical to diffusers':
//   betas = torch.linspace(√β₀, √β₁, T, float32)² (or linspace(β₀, β₁) for 'linear'),
//   ᾱ = cumprod(1 − β) (accumulated in double, stored as float32),
//   σ = √((1 − ᾱ)/ᾱ) in float32.
// A float64 table differs by up to ~1e-5 relative near t = 0 (1 − ᾱ cancels) and flips the
// rounding of some Karras timesteps. torch.linspace is emulated as torch 1.13's AVX2 kernel
// computes it (checked bit-exact); later torch versions may differ by 1 ulp in a few betas.
import type { TrainingSchedule } from '../../sa/index.ts';
import { fmaf } from '../random.ts';
import type { SchedulerConfig } from './types.ts';

const f32 = Math.fround;

/** torch.linspace(start, end, steps, dtype=float32) on x86-64 (AVX2, 8-lane vectors). */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = f32(start);
    return out;
  }
  const a = f32(start);
  const b = f32(end);
  const step = f32(f32(b - a) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  // start + step·idx below halfway, end − step·(steps − idx − 1) above (one rounding: FMA)
  const at = (idx: number) => (idx < halfway ? fmaf(step, idx, a) : fmaf(-step, steps - idx - 1, b));
  const vectorised = Math.floor(steps / 16) * 16; // the kernel's loop takes two 8-lane vectors at a time
  for (let idx = 0; idx < vectorised; idx += 8) {
    const base = at(idx); // Vectorized::arange(base, step): lane i = base + i·step
    for (let lane = 0; lane < 8; lane++) out[idx + lane] = lane === 0 ? base : fmaf(lane, step, base);
  }
  for (let idx = vectorised; idx < steps; idx++) out[idx] = at(idx);
  return out;
}

export function trainingSchedule(config: SchedulerConfig): TrainingSchedule {
  const { betaStart, betaEnd, numTrainTimesteps: n } = config;
  const betas = new Float64Array(n);
  if (config.betaSchedule === 'scaled_linear') {
    const roots = torchLinspaceF32(Math.sqrt(betaStart), Math.sqrt(betaEnd), n);
    for (let t = 0; t < n; t++) betas[t] = f32(roots[t] * roots[t]);
  } else {
    betas.set(torchLinspaceF32(betaStart, betaEnd, n));
  }
  const alphasCumprod = new Float64Array(n);
  const sigmas = new Float64Array(n);
  let prod = 1;
  for (let t = 0; t < n; t++) {
    prod *= f32(1 - betas[t]);
    const ac = f32(prod);
    alphasCumprod[t] = ac;
    sigmas[t] = f32(Math.sqrt(f32(f32(1 - ac) / ac)));
  }
  return { betas, alphasCumprod, sigmas };
}
