// The engine interface the UI talks to (web-llm style): load / generate / interrupt / unload.
// Implemented by the real SD engine inside a Web Worker, by a proxy on the main thread, and by
// fakes in unit tests. Everything crossing it is plain data (structured-clone safe).
import type { SaParams } from '../sa/params.ts';
import type { SchedulerName } from './registry.ts';

export type { SchedulerName };

export interface ModelSource {
  /** registry id, or 'custom' */
  id: string;
  /** diffusers-ONNX base URL (absolute, or relative to the page) */
  base: string;
  tokenizerBase?: string;
}

export interface ModelInfo {
  id: string;
  base: string;
  /** attention export style found in the U-Net, e.g. 'torch2' | 'torch1' | 'ort-fused' */
  attentionStyle: string;
  sites: { name: string; side: 'in' | 'mid' | 'out'; level: number; channels: number; heads: number }[];
  dtype: 'float32' | 'float16';
  /** latent channels and VAE scale factor (8 for SD) */
  latentChannels: number;
  vaeScale: number;
  hasVaeEncoder: boolean;
  defaults: { width: number; height: number; steps: number; guidance: number; scheduler: SchedulerName };
}

export interface ImageRgba {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major */
  data: Uint8ClampedArray;
}

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
}

export type Stage = 'load' | 'text' | 'unet' | 'sa' | 'vae' | 'hires';

export interface Progress {
  stage: Stage;
  step: number;
  total: number;
  elapsedMs: number;
  /** load stage: the file being downloaded */
  file?: string;
  loaded?: number;
  bytes?: number;
}

/** Milliseconds per stage of one generation (GPU time where timestamp queries exist). */
export interface StageTimings {
  text: number;
  unetOrt: number;
  saPool: number;
  saProject: number;
  saAttention: number;
  vae: number;
  total: number;
  /** 'timestamp-query' or 'submitted-work-done' */
  method: string;
}

export interface GenerateResult {
  image: ImageRgba;
  timings: StageTimings;
  /** the model timestep of every U-Net step (first pass), for the heatmap */
  timesteps: number[];
  seed: number;
  /** the final latents [1, 4, H/8, W/8] before the VAE (verification, CLI) */
  latents?: Float32Array;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Engine {
  load(source: ModelSource, opts?: CallOptions): Promise<ModelInfo>;
  generate(req: GenerateRequest, opts?: CallOptions): Promise<GenerateResult>;
  /** Stops the generation in flight (it rejects with GenerationInterrupted); the engine stays usable. */
  interrupt(): void;
  unload(): Promise<void>;
}

export class GenerationInterrupted extends Error {
  override name = 'GenerationInterrupted';
  constructor() {
    super('Generation was cancelled.');
  }
}

export class EngineBusyError extends Error {
  override name = 'EngineBusyError';
}

export class EngineNotLoadedError extends Error {
  override name = 'EngineNotLoadedError';
}
