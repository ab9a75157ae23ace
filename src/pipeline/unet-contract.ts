// What a U-Net graph asks of the generation loop, read from its declared inputs: the usual three
// (sample, timestep, encoder_hidden_states), LCM's `timestep_cond` (the guidance-scale embedding,
// computed as diffusers does), SDXL's added conditions `text_embeds` (the pooled prompt) and
// `time_ids` (size and crop micro-conditioning; see sdxl-conditioning.ts), and fixed shapes (an export for one batch and latent size only). An
// input we do not know how to feed is a typed error that names it, before any session is made.
import { DataType } from '../onnx/proto.ts';
import type { GraphIo } from '../onnx/model-file.ts';
import { ModelLoadError } from './model-source.ts';

export interface UnetContract {
  /** the U-Net was exported for this batch only (e.g. 2: CFG always on) */
  fixedBatch?: number;
  /** ... and this latent size only */
  fixedLatent?: { h: number; w: number };
  /** LCM: the width of `timestep_cond`, the guidance-scale embedding (diffusers' time_cond_proj_dim) */
  guidanceEmbeddingDim?: number;
  /**
   * SDXL: the U-Net's added conditions (diffusers' addition_embed_type "text_time"): the pooled
   * prompt `text_embeds` [batch, textEmbedsDim] and `time_ids` [batch, timeIdsDim] (6 for the base
   * model: original size, crop top-left, target size).
   */
  sdxl?: { textEmbedsDim: number; timeIdsDim: number };
}

const KNOWN = new Set(['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond', 'text_embeds', 'time_ids']);

/** The fixed width of a float [batch, width] input (undefined: it has none). */
function floatWidth(io: GraphIo, name: string): number | undefined {
  const v = io.inputs.find((x) => x.name === name);
  if (!v || !(v.dataType === DataType.FLOAT || v.dataType === DataType.FLOAT16) || v.dims?.length !== 2) return undefined;
  return v.dims[1];
}

/** Reads the contract from the U-Net's declared inputs; throws ModelLoadError('unsupported') on an input we cannot feed. */
export function unetContract(io: GraphIo, file = 'unet/model.onnx'): UnetContract {
  const names = io.inputs.map((v) => v.name);
  const unknown = names.filter((n) => !KNOWN.has(n));
  if (unknown.length) {
    throw new ModelLoadError(
      'unsupported',
      `${file} has input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} that this app does not know how to feed (it feeds sample, timestep, encoder_hidden_states, LCM's timestep_cond and SDXL's text_embeds and time_ids).`,
    );
  }
  for (const need of ['sample', 'timestep', 'encoder_hidden_states']) {
    if (!names.includes(need)) throw new ModelLoadError('format', `${file} has no "${need}" input (it has ${names.join(', ')}): is it a Stable Diffusion U-Net?`);
  }
  const sample = io.inputs.find((v) => v.name === 'sample')!;
  const [b, , h, w] = sample.dims ?? [];
  const contract: UnetContract = {};
  if (b !== undefined) contract.fixedBatch = b;
  if (h !== undefined && w !== undefined) contract.fixedLatent = { h, w };
  const cond = io.inputs.find((v) => v.name === 'timestep_cond');
  if (cond) {
    const dim = cond.dims?.[1];
    if (dim === undefined || !(cond.dataType === DataType.FLOAT || cond.dataType === DataType.FLOAT16)) {
      throw new ModelLoadError('unsupported', `${file}'s timestep_cond must be a float [batch, dim] input with a fixed dim (LCM's guidance embedding); it is ${DataType[cond.dataType]} [${(cond.dims ?? []).join(', ')}].`);
    }
    contract.guidanceEmbeddingDim = dim;
  }
  const hasText = names.includes('text_embeds');
  if (hasText || names.includes('time_ids')) {
    if (!hasText || !names.includes('time_ids')) {
      throw new ModelLoadError('format', `${file} has ${hasText ? 'text_embeds but no time_ids' : 'time_ids but no text_embeds'}: an SDXL U-Net takes both.`);
    }
    const textEmbedsDim = floatWidth(io, 'text_embeds');
    const timeIdsDim = floatWidth(io, 'time_ids');
    if (textEmbedsDim === undefined || timeIdsDim === undefined) {
      throw new ModelLoadError('unsupported', `${file}'s text_embeds and time_ids must be float [batch, width] inputs with a fixed width (SDXL's pooled prompt and micro-conditioning).`);
    }
    if (timeIdsDim !== 6) {
      throw new ModelLoadError('unsupported', `${file}'s time_ids is ${timeIdsDim} wide; this app feeds SDXL base's 6 (original size, crop, target size) — refiner-style aesthetic scores (5) are not supported.`);
    }
    contract.sdxl = { textEmbedsDim, timeIdsDim };
  }
  return contract;
}

/**
 * diffusers' LatentConsistencyModelPipeline.get_guidance_scale_embedding for one w, as the LCM
 * pipeline calls it with w = guidance_scale − 1: w·1000 times exp(−i·ln(10000)/(half − 1)) for
 * i < half = ⌊dim/2⌋, then [sin | cos], zero-padded to dim when dim is odd.
 */
export function guidanceScaleEmbedding(guidanceScale: number, dim: number): Float32Array {
  const f = Math.fround; // torch computes every step in float32
  const w = f(f(guidanceScale - 1) * 1000);
  const half = Math.floor(dim / 2);
  const step = f(f(Math.log(10000)) / (half - 1));
  const out = new Float32Array(dim);
  for (let i = 0; i < half; i++) {
    const a = f(w * f(Math.exp(f(i * -step))));
    out[i] = Math.sin(a);
    out[half + i] = Math.cos(a);
  }
  return out;
}
