// The request one generation takes (prompt, size, sampler, SA; img2img init; hires second pass),
// the sampler names, and the hires pass's output size: the rule the app and the pipeline share.
import type { SaParams } from '../sa/index.ts';
import type { ImageRgba } from '../image/rgba.ts';

export const SCHEDULER_NAMES = ['euler', 'euler-ancestral', 'ddim', 'dpmpp-2m-karras', 'lcm'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface HiresPass {
  scale: number;
  denoise: number;
  steps: number;
  sa: SaParams;
}

export interface GenerateRequest {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: SchedulerName;
  sa: SaParams;
  /** img2img: start from this image, `strength` of the schedule is run */
  init?: { image: ImageRgba; strength: number };
  hires?: HiresPass;
  /** send a step preview (latent → RGB, src/image/latent-preview.ts) with each U-Net step's progress */
  previews?: boolean;
}

/** The hires pass's image size: the first pass's `size` × `scale`, rounded to a multiple of 8 (at least 8). */
export function hiresSize(size: { width: number; height: number }, scale: number): { width: number; height: number } {
  const r = (x: number) => Math.max(8, Math.round((x * scale) / 8) * 8);
  return { width: r(size.width), height: r(size.height) };
}
