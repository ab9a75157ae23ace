// SDXL's prompt conditioning, as diffusers' StableDiffusionXLPipeline builds it
// (huggingface/diffusers src/diffusers/pipelines/stable_diffusion_xl/pipeline_stable_diffusion_xl.py,
// encode_prompt, _get_add_time_ids and __call__ step 7):
// - each text encoder runs with output_hidden_states=True and gives its penultimate hidden state
//   (`hidden_states[-2]`); the two are concatenated on the feature axis (encoder 1 first) into
//   encoder_hidden_states [B, 77, D1 + D2] (768 + 1280 = 2048 for SDXL);
// - the pooled prompt `text_embeds` is text_encoder_2's first output (CLIPTextModelWithProjection's
//   text_embeds) — "we are only ALWAYS interested in the pooled output of the final text encoder";
// - with CFG and no negative prompt, when the pipeline config says force_zeros_for_empty_prompt
//   (true in SDXL base's model_index.json), the negative hidden states and pooled embeds are zeros
//   (torch.zeros_like) instead of the encoded empty string;
// - add_time_ids = original_size + crops_coords_top_left + target_size = [h, w, 0, 0, h, w] with
//   original = target = the image size and crop (0, 0), one row per batch row (the negative rows
//   get the same ids unless negative sizes are given, which this app never does).
// The ONNX exports of optimum name the hidden states `hidden_states.0` … `hidden_states.L` (L layers,
// 0 = embeddings: huggingface/optimum optimum/exporters/onnx/model_configs.py, CLIPTextOnnxConfig and
// CLIPTextWithProjectionOnnxConfig), so `hidden_states[-2]` is `hidden_states.{L-1}`.
import type { GraphIo } from '../onnx/model-file.ts';
import type { SdBackend, TextContext } from '../gpu/sd-backend.ts';
import type { SdPipelineFiles } from './load-pipeline.ts';
import { ModelLoadError } from './model-source.ts';
import { PromptTokenizer, SD_MAX_LENGTH } from './tokenizer.ts';

/** One text encoder's output for a batch: its penultimate hidden state and (encoder 2) the pooled embeds. */
export interface EncoderOutput {
  /** [B, S, D] */
  hidden: Float32Array;
  dims: [number, number, number];
  /** [B, P]: text_encoder_2's text_embeds */
  pooled?: Float32Array;
}

/** What an SDXL pipeline needs to encode prompts, read from its files once at load. */
export interface SdxlText {
  tokenizer2: PromptTokenizer;
  /** each encoder's penultimate hidden-state output name */
  hiddenOutputs: [string, string];
  forceZerosForEmptyPrompt: boolean;
}

/** The SdxlText of a loaded pipeline; undefined for SD 1.x/2.x (no text_encoder_2). */
export function sdxlTextFrom(files: SdPipelineFiles): SdxlText | undefined {
  if (!files.textEncoder2 || !files.tokenizer2) return undefined;
  const te2 = files.textEncoder2;
  if (!te2.io.outputs.some((o) => o.name === 'text_embeds')) {
    throw new ModelLoadError('unsupported', `${te2.path} has no text_embeds output (it has ${te2.io.outputs.map((o) => o.name).join(', ')}): SDXL's U-Net takes text_encoder_2's pooled, projected prompt.`);
  }
  return {
    tokenizer2: PromptTokenizer.fromFiles(files.tokenizer2),
    hiddenOutputs: [penultimateHiddenName(files.textEncoder.io, files.textEncoder.path), penultimateHiddenName(te2.io, te2.path)],
    forceZerosForEmptyPrompt: forceZerosForEmptyPrompt(files.modelIndex),
  };
}

/**
 * Encodes a batch's prompts as SDXL does and hands the conditioning to the backend. With
 * `zeroNegative` only `prompts[0]` (the prompt) is encoded and the batch is [zeros, prompt].
 * The app's empty negative prompt plays diffusers' negative_prompt=None.
 */
export async function encodeSdxlPrompts(backend: SdBackend, tokenizer1: PromptTokenizer, text: SdxlText, prompts: readonly string[], zeroNegative: boolean): Promise<TextContext> {
  if (!backend.encodeTextOutputs || !backend.textContext) throw new Error('This backend cannot run two text encoders (SDXL).');
  const n = prompts.length;
  const idsOf = (tok: PromptTokenizer) => {
    const ids = new Int32Array(n * SD_MAX_LENGTH);
    prompts.forEach((s, i) => ids.set(tok.encode(s), i * SD_MAX_LENGTH));
    return ids;
  };
  const [h1, h2] = text.hiddenOutputs;
  const o1 = await backend.encodeTextOutputs(0, idsOf(tokenizer1), n, [h1]);
  const o2 = await backend.encodeTextOutputs(1, idsOf(text.tokenizer2), n, [h2, 'text_embeds']);
  const as3 = (dims: number[]) => dims as [number, number, number];
  const joined = concatFeatures({ hidden: o1[h1].data, dims: as3(o1[h1].dims) }, { hidden: o2[h2].data, dims: as3(o2[h2].dims), pooled: o2.text_embeds.data });
  const c = sdxlConditioning(joined, zeroNegative);
  return backend.textContext({ data: c.hidden, dims: c.dims }, { data: c.textEmbeds, dims: [c.dims[0], c.textEmbeds.length / c.dims[0]] });
}

/** The output name of a text encoder's penultimate hidden state (`hidden_states.{L-1}`). */
export function penultimateHiddenName(io: GraphIo, file: string): string {
  const layers = io.outputs.map((o) => /^hidden_states\.(\d+)$/.exec(o.name)).filter((m) => m !== null).map((m) => Number(m[1]));
  const last = layers.length ? Math.max(...layers) : -1;
  if (last < 1 || !layers.includes(last - 1)) {
    throw new ModelLoadError(
      'unsupported',
      `${file} has no hidden_states.N outputs (it has ${io.outputs.map((o) => o.name).join(', ')}). SDXL conditions on each text encoder's penultimate layer: export it with output_hidden_states=True (optimum does for SDXL).`,
    );
  }
  return `hidden_states.${last - 1}`;
}

/**
 * Concatenates the two encoders' hidden states on the feature axis: row b, token s is
 * [h1[b, s, :], h2[b, s, :]]. Both must have the same batch and sequence length.
 */
export function concatFeatures(a: EncoderOutput, b: EncoderOutput): EncoderOutput {
  const [B, S, D1] = a.dims;
  const [B2, S2, D2] = b.dims;
  if (B !== B2 || S !== S2) throw new RangeError(`The text encoders disagree on batch × tokens: ${B}×${S} vs ${B2}×${S2}.`);
  const D = D1 + D2;
  const out = new Float32Array(B * S * D);
  for (let r = 0; r < B * S; r++) {
    out.set(a.hidden.subarray(r * D1, (r + 1) * D1), r * D);
    out.set(b.hidden.subarray(r * D2, (r + 1) * D2), r * D + D1);
  }
  return { hidden: out, dims: [B, S, D], ...(b.pooled && { pooled: b.pooled }) };
}

/** The conditioning an SDXL U-Net is fed for a batch. */
export interface SdxlConditioning {
  /** [B, S, D1 + D2] */
  hidden: Float32Array;
  dims: [number, number, number];
  /** [B, P] */
  textEmbeds: Float32Array;
}

/**
 * The batch's conditioning from the encoded rows: `encoded` holds the prompts that were run
 * through the encoders (concatenated; pooled from encoder 2); with `zeroNegative` the batch is
 * [zeros, encoded row 0] (CFG with force_zeros_for_empty_prompt), else the encoded rows as they are.
 */
export function sdxlConditioning(encoded: EncoderOutput, zeroNegative: boolean): SdxlConditioning {
  const [B, S, D] = encoded.dims;
  if (!encoded.pooled) throw new Error('SDXL conditioning needs the pooled text_embeds of text_encoder_2.');
  const P = encoded.pooled.length / B;
  if (!zeroNegative) return { hidden: encoded.hidden, dims: encoded.dims, textEmbeds: encoded.pooled };
  if (B !== 1) throw new RangeError(`Zero negatives pair with one encoded prompt (got ${B}).`);
  const hidden = new Float32Array(2 * S * D);
  hidden.set(encoded.hidden, S * D);
  const textEmbeds = new Float32Array(2 * P);
  textEmbeds.set(encoded.pooled, P);
  return { hidden, dims: [2, S, D], textEmbeds };
}

/** add_time_ids for B rows: [h, w, 0, 0, h, w] each (original = target = the image size, no crop). */
export function sdxlTimeIds(height: number, width: number, B: number): Float32Array {
  const row = [height, width, 0, 0, height, width];
  const out = new Float32Array(B * row.length);
  for (let b = 0; b < B; b++) out.set(row, b * row.length);
  return out;
}

/**
 * force_zeros_for_empty_prompt from model_index.json (a StableDiffusionXLPipeline config key;
 * diffusers' default is true, and SDXL base's model_index.json sets it true).
 */
export function forceZerosForEmptyPrompt(modelIndex: Record<string, unknown>): boolean {
  const v = modelIndex.force_zeros_for_empty_prompt;
  return v === undefined ? true : v === true;
}
