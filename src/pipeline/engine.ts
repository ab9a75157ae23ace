// The engine interface the UI talks to (web-llm style): load / generate / interrupt / unload.
// Implemented by the real SD engine inside a Web Worker, by a proxy on the main thread, and by
// fakes in unit tests. Everything crossing it is plain data (structured-clone safe).
import type { ImageRgba } from '../image/rgba.ts';
import type { GenerateRequest } from '../params/request.ts';
import type { ModelDefaults } from '../params/model-defaults.ts';
import type { KernelCheck } from '../gpu/kernel-check.ts';
import type { AdapterReport } from '../gpu/device.ts';
import type { SelfCheckResult } from '../gpu/selfcheck.ts';
import type { StorageVariant } from '../gpu/kernels/dtype.ts';
import type { PipelineLayout } from './load-pipeline.ts';

export interface ModelSource {
  /** registry id, or 'custom' */
  id: string;
  /** diffusers-ONNX base URL (absolute, or relative to the page) */
  base: string;
  tokenizerBase?: string;
  /** file names when the repository is not in diffusers' layout (flat exports) */
  layout?: Partial<PipelineLayout>;
  /** a folder on the user's disk (directory picker / drop): its files by path; `base` is then only a label */
  files?: LocalFile[];
}

/** One file of a local model folder: its path inside the folder and its bytes (a File or Blob). */
export interface LocalFile {
  path: string;
  blob: Blob;
}

/** The SA kernels a loaded model runs: a storage path per site and the checks behind it. */
export interface KernelReport {
  /** per site, in site order: 'f32', 'f16-packed' or 'f16-native' */
  variants: StorageVariant[];
  checks: Omit<KernelCheck, 'first'>[];
  /** set when native f16 failed its self-check and the sites use packed f16 */
  fallback?: string;
  warnings: string[];
}

export interface ModelInfo {
  id: string;
  base: string;
  /** attention export style found in the U-Net, e.g. 'torch2' | 'torch1' | 'ort-fused' */
  attentionStyle: string;
  sites: { name: string; side: 'in' | 'mid' | 'out'; level: number; channels: number; heads: number }[];
  /** the U-Net body's precision: float16 when its self-attention sites carry fp16 tensors */
  dtype: 'float32' | 'float16';
  /** how the SA sites store tensors, and the self-check that chose it (src/gpu/kernel-check.ts) */
  kernels: KernelReport;
  /** latent channels and VAE scale factor (8 for SD) */
  latentChannels: number;
  vaeScale: number;
  hasVaeEncoder: boolean;
  defaults: ModelDefaults;
  /** the U-Net was exported for this image size only */
  fixedSize?: { width: number; height: number };
  /** LCM: guidance is fed as the U-Net's timestep_cond embedding (no CFG batch) */
  guidanceEmbedding?: boolean;
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
  /**
   * unet stage, when the request asked for previews: the step's denoised estimate (x₀) as a
   * latent-sized RGB picture (one pixel per latent pixel; src/image/latent-preview.ts)
   */
  preview?: ImageRgba;
}

/**
 * Milliseconds per stage of one generation. With method 'timestamp-query' saPool / saProject /
 * saAttention are GPU time from timestamps around our site kernels' compute passes; the other
 * stages (ORT's) are always wall time up to queue.onSubmittedWorkDone(). With
 * 'submitted-work-done' saAttention holds the whole sites' wall time and saPool / saProject are 0.
 */
export interface StageTimings {
  text: number;
  unetOrt: number;
  saPool: number;
  saProject: number;
  saAttention: number;
  /** the SA sites' wall time up to queue.onSubmittedWorkDone(), whatever the method */
  saWall: number;
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

/** GPU memory on the engine's device (every buffer, ORT's included), for leak checks. */
export interface EngineMemory {
  liveBuffers: number;
  liveBytes: number;
  peakBytes: number;
  /** buffers created on this device so far */
  created: number;
  /** how many devices the engine has acquired (1 + device losses recovered from) */
  deviceCount: number;
}

/** The ORT↔kernel self-check on the engine's device, as the GPU panel shows it. */
export interface SelfCheckView extends SelfCheckResult {
  elapsedMs: number;
}

/** What the engine's probe found: its device's adapter and the self-check on that device. */
export type GpuStatus =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'ready'; adapter: AdapterReport; selfCheck: SelfCheckView }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; adapter?: AdapterReport; message: string };

/**
 * One request at a time: a generate() or load() while another runs rejects with EngineBusyError
 * (nothing interleaves on the device); after a device loss the next call waits for recovery.
 */
export interface Engine {
  load(source: ModelSource, opts?: CallOptions): Promise<ModelInfo>;
  generate(req: GenerateRequest, opts?: CallOptions): Promise<GenerateResult>;
  /** Stops the generation in flight (it rejects with GenerationInterrupted); the engine stays usable. */
  interrupt(): void;
  unload(): Promise<void>;
  /**
   * Acquires the engine's GPU device (if it has none yet) and runs the ORT↔kernel self-check on it;
   * never throws (what went wrong is in the status). Waits for a request in flight.
   */
  probe(): Promise<GpuStatus>;
  /** Listens for the device's uncaptured WebGPU errors (validation, out of memory, internal). */
  onDeviceError?(listener: (message: string) => void): void;
  /** Diagnostics (real engine only): GPU memory in use on the device. */
  memory?(): Promise<EngineMemory>;
  /** Test hook (real engine only): destroys the GPU device as a driver reset would. */
  loseDevice?(): Promise<void>;
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

/** The GPU device was lost mid-request; the engine re-creates it and the model's sessions. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(detail = '') {
    super(
      `The GPU device was lost${detail ? ` (${detail})` : ''}, so this generation stopped. The engine is ` +
        're-creating the device and the model on it from the files already downloaded: press Generate again.',
    );
  }
}

/**
 * One request at a time on the engine's device: a request while another runs is refused with
 * EngineBusyError (never queued behind it, never interleaved with it). `interrupt` aborts the
 * running request's signal.
 */
export class RequestGate {
  private current?: AbortController;

  get busy(): boolean {
    return this.current !== undefined;
  }

  async run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.current) throw new EngineBusyError('The engine is busy with another request; wait for it or cancel it.');
    const controller = new AbortController();
    this.current = controller;
    try {
      return await fn(controller.signal);
    } finally {
      this.current = undefined;
    }
  }

  interrupt(): void {
    this.current?.abort();
  }
}
