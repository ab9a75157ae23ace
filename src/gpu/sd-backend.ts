// The SdBackend contract: where a Stable Diffusion pipeline's networks run. The generation loop
// (src/pipeline/sd-pipeline.ts) calls it; the GPU backend (gpu-backend.ts: ORT WebGPU segments +
// our SA kernels) and the CPU reference of the tests (src/pipeline/testing/cpu-backend.ts)
// implement it. Every method returns CPU float32 data (latents are small).
import type { SaSite, SaWindow } from '../sa/index.ts';

/** GPU milliseconds of a site's parts (timestamp queries), when the device has them. */
export interface SitePartTimes {
  pool: number;
  project: number;
  attention: number;
}

/** `sum` + `add` part by part (a new total when `sum` is undefined); `sum` is updated in place. */
export function addSitePartTimes(sum: SitePartTimes | undefined, add: SitePartTimes): SitePartTimes {
  const total = sum ?? { pool: 0, project: 0, attention: 0 };
  total.pool += add.pool;
  total.project += add.project;
  total.attention += add.attention;
  return total;
}

export interface StepTimings {
  ortMs: number;
  /** wall time of the sites up to queue.onSubmittedWorkDone() */
  siteMs: number;
  /** GPU time of the sites' parts, summed over sites (profile runs on a device with timestamp-query) */
  siteParts?: SitePartTimes;
}

/** The encoded prompt, kept by the backend for every step (disposed at the end of a generation). */
export interface TextContext {
  dispose(): void;
}

export interface UnetCall {
  /** [B, 4, h, w] model input (already scaled by the scheduler) */
  sample: Float32Array;
  B: number;
  h: number;
  w: number;
  timestep: number;
  /** LCM's guidance-scale embedding [B, dim] (fed as `timestep_cond`), when the U-Net takes one */
  timestepCond?: Float32Array;
  /** SDXL's micro-conditioning [B, 6] (fed as `time_ids`); its pooled prompt rides in the context */
  timeIds?: Float32Array;
  context: TextContext;
  windowOf: (site: { index: number; level: number }) => SaWindow;
  /** aborts the call between segments (it then rejects; the caller says why) */
  signal?: AbortSignal;
}

/**
 * One U-Net call: the noise prediction and where its time went (ORT segments, SA sites' wall time,
 * and the sites' GPU time per part where the device has timestamp queries and timing is on).
 */
export interface UnetOutput extends StepTimings {
  eps: Float32Array;
}

/** Float32 values on the CPU with their dims. */
export interface HostFloats {
  data: Float32Array;
  dims: number[];
}

export interface SdBackend {
  readonly sites: readonly (SaSite & { index: number })[];
  readonly hasVaeEncoder: boolean;
  /** the text encoder's last_hidden_state as the U-Net's context (SD 1.x/2.x) */
  encodeText(ids: Int32Array, batch: number): Promise<TextContext>;
  /**
   * Pipelines with two text encoders (SDXL): runs encoder `index` (0: text_encoder, 1:
   * text_encoder_2) on ids [batch, S] and returns the named outputs as float32 on the CPU. The
   * conditioning built from them (src/pipeline/sdxl-conditioning.ts) comes back via textContext.
   */
  encodeTextOutputs?(index: 0 | 1, ids: Int32Array, batch: number, outputs: readonly string[]): Promise<Record<string, HostFloats>>;
  /** a context from CPU values: encoder_hidden_states [B, S, D] and, for SDXL, text_embeds [B, P] */
  textContext?(hidden: HostFloats, textEmbeds?: HostFloats): TextContext;
  unet(call: UnetCall): Promise<UnetOutput>;
  /** latents [1, 4, h, w] (already divided by the scaling factor) → image [1, 3, 8h, 8w] in [-1, 1] */
  decode(z: Float32Array, h: number, w: number): Promise<Float32Array>;
  /** image [1, 3, H, W] in [-1, 1] → latents [1, 4, H/8, W/8] (before the scaling factor) */
  encode(x: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** waits for queued GPU work (timing) */
  sync(): Promise<void>;
}
