// A complete synthetic SD pipeline in the Hugging Face diffusers-ONNX folder layout:
//   model_index.json, scheduler/scheduler_config.json, tokenizer/{vocab.json, merges.txt,
//   tokenizer_config.json, special_tokens_map.json, tokenizer.json},
//   text_encoder/model.onnx, unet/model.onnx (+ unet/weights.pb when external),
//   vae_decoder/model.onnx, vae_encoder/model.onnx, and an optimum-style config.json per model.
// Components are produced one at a time so a full-size pipeline is written with one model in memory.
//
// SDXL-family configs (`tiny-xl`, `sdxl`: PipelineConfig.text2 set) add, in the same layout:
//   tokenizer_2/ (the same five files; pad_token "!"), text_encoder_2/{config.json, model.onnx}
//   (CLIPTextModelWithProjection: outputs text_embeds, last_hidden_state, hidden_states.0…N), and
//   text_encoder/model.onnx also outputs hidden_states.0…N; unet/model.onnx has the extra inputs
//   text_embeds [B, P] and time_ids [B, 6]. model_index.json: _class_name StableDiffusionXLPipeline,
//   force_zeros_for_empty_prompt true, text_encoder_2 / tokenizer_2 entries. Scheduler: SDXL base's
//   EulerDiscreteScheduler (scaled_linear 0.00085–0.012, timestep_spacing "leading", steps_offset 1);
//   VAE scaling_factor 0.13025, force_upcast true.
// Sources (stabilityai/stable-diffusion-xl-base-1.0 is not in our search index; these files are
// quoted verbatim in public repos): model_index.json with force_zeros_for_empty_prompt and the
// CLIPTextModelWithProjection / tokenizer_2 entries; scheduler_config.json (EulerDiscreteScheduler,
// interpolation_type linear, timestep_spacing leading, steps_offset 1, use_karras_sigmas false);
// vae/config.json (scaling_factor 0.13025, force_upcast true); tokenizer_2 pad_token "!" (also what
// diffusers' single-file loader passes: CLIPTokenizer.from_pretrained(bigG, pad_token="!")).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipelineConfig, transformerDepths, type PipelineConfig, type PipelineName, type TextEncoderConfig } from './configs.ts';
import type { AttentionStyle } from './attention.ts';
import type { FloatType } from './export-graph.ts';
import { buildUnet, type BuiltModel } from './unet.ts';
import { buildTextEncoder } from './text-encoder.ts';
import { buildVaeDecoder, buildVaeEncoder } from './vae.ts';
import { tokenizerFiles } from './tokenizer.ts';
import { decodeModel, encodeModel } from '../onnx/proto.ts';
import { castFloat16IoToFloat32 } from '../onnx/io-casts.ts';

export interface PipelineOptions {
  attention: AttentionStyle;
  dtype: FloatType;
  seed: number;
  inputIds?: 'int32' | 'int64';
  /** Override the U-Net's default latent size (config.json sample_size); any multiple of 8. */
  sampleSize?: number;
  /** Force the U-Net weights external (`unet/weights.pb`) or inline; default: external above 1 GiB. */
  externalUnet?: boolean;
  /**
   * The graphs' float inputs and outputs: default the body's dtype; 'float32' with dtype float16
   * gives the public fp16 browser form — fp16 body behind fp32 edges (Cast nodes, src/onnx/io-casts.ts).
   */
  ioDtype?: FloatType;
}

/** One file of the pipeline, produced on demand. */
export interface PipelineFile {
  path: string;
  make: () => Uint8Array;
}

const text = (s: string) => new TextEncoder().encode(s);
const json = (o: unknown) => text(JSON.stringify(o, null, 2) + '\n');

/** An SDXL-family pipeline: a second text encoder and the text_time added embedding. */
export function isXlConfig(cfg: PipelineConfig): boolean {
  return cfg.text2 !== undefined;
}

function schedulerConfig(cfg: PipelineConfig): object {
  const common = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, steps_offset: 1, trained_betas: null, prediction_type: 'epsilon' };
  if (isXlConfig(cfg)) {
    return { _class_name: 'EulerDiscreteScheduler', _diffusers_version: '0.24.0', ...common, interpolation_type: 'linear', sample_max_value: 1.0, set_alpha_to_one: false, skip_prk_steps: true, timestep_spacing: 'leading', use_karras_sigmas: false };
  }
  if (cfg.unet.useLinearProjection) {
    return { _class_name: 'EulerDiscreteScheduler', _diffusers_version: '0.24.0', ...common, interpolation_type: 'linear', timestep_spacing: 'trailing', use_karras_sigmas: false };
  }
  return { _class_name: 'PNDMScheduler', _diffusers_version: '0.24.0', ...common, clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true };
}

function modelIndex(cfg: PipelineConfig, meta: object): object {
  const scheduler = ['diffusers', (schedulerConfig(cfg) as { _class_name: string })._class_name];
  if (isXlConfig(cfg)) {
    return {
      _class_name: 'StableDiffusionXLPipeline',
      _diffusers_version: '0.24.0',
      force_zeros_for_empty_prompt: true,
      add_watermarker: null,
      scheduler,
      text_encoder: ['transformers', 'CLIPTextModel'],
      text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
      tokenizer: ['transformers', 'CLIPTokenizer'],
      tokenizer_2: ['transformers', 'CLIPTokenizer'],
      unet: ['diffusers', 'UNet2DConditionModel'],
      vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
      vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
      _synthetic: meta,
    };
  }
  return {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.24.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler,
    text_encoder: ['diffusers', 'OnnxRuntimeModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'OnnxRuntimeModel'],
    vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
    vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
    _synthetic: meta,
  };
}

/** The built model with fp32 edges around its fp16 body (re-encoded; weights in `weights.pb` are not touched). */
function withFloat32Io(b: BuiltModel): BuiltModel {
  const m = decodeModel(b.model);
  castFloat16IoToFloat32(m);
  return { ...b, model: encodeModel(m) };
}

function modelFiles(dir: string, build: () => BuiltModel, opts: PipelineOptions): PipelineFile[] {
  let built: BuiltModel | undefined;
  const fp32Edges = opts.dtype === 'float16' && opts.ioDtype === 'float32';
  const get = () => (built ??= fp32Edges ? withFloat32Io(build()) : build());
  return [
    { path: `${dir}/model.onnx`, make: () => get().model },
    {
      path: `${dir}/weights.pb`,
      make: () => {
        const d = get().externalData?.data;
        built = undefined; // release the model once both files were taken
        return d ?? new Uint8Array(0);
      },
    },
  ];
}

/** The pipeline's files in writing order (a `weights.pb` of length 0 means "inline, skip it"). */
export function pipelineFiles(name: PipelineName | string, opts: PipelineOptions): PipelineFile[] {
  const cfg = pipelineConfig(name);
  const u = { ...cfg.unet, sampleSize: opts.sampleSize ?? cfg.unet.sampleSize };
  if (u.sampleSize % 8) throw new Error(`sampleSize ${u.sampleSize} is not a multiple of 8.`);
  const { dtype, seed } = opts;
  const meta = { generator: 'slothful make-model', config: cfg.name, attention: opts.attention, dtype, ...(opts.ioDtype && opts.ioDtype !== dtype ? { io_dtype: opts.ioDtype } : {}), seed };
  const xl = isXlConfig(cfg);
  const textOpts = { dtype, seed, inputIds: opts.inputIds, ...(xl ? { outputHiddenStates: true } : {}) };
  const tokenizer = (dir: string, pad: string | undefined) => [...tokenizerFiles(cfg.text.vocabSize, pad)].map(([f, s]) => ({ path: `${dir}/${f}`, make: () => text(s) }));
  return [
    { path: 'model_index.json', make: () => json(modelIndex(cfg, meta)) },
    { path: 'scheduler/scheduler_config.json', make: () => json(schedulerConfig(cfg)) },
    // SD 2.x and SDXL's tokenizer_2 pad with "!"; SD 1.x and SDXL's first tokenizer with <|endoftext|>
    ...tokenizer('tokenizer', !xl && cfg.unet.useLinearProjection ? '!' : undefined),
    ...(xl ? tokenizer('tokenizer_2', '!') : []),
    { path: 'text_encoder/config.json', make: () => json({ ...textConfigJson(cfg.text), _synthetic: meta }) },
    ...modelFiles('text_encoder', () => buildTextEncoder(cfg.text, textOpts), opts),
    ...(cfg.text2 ? [{ path: 'text_encoder_2/config.json', make: () => json({ ...textConfigJson(cfg.text2!), _synthetic: meta }) }, ...modelFiles('text_encoder_2', () => buildTextEncoder(cfg.text2!, textOpts), opts)] : []),
    { path: 'unet/config.json', make: () => json({ ...unetConfigJson(u), _synthetic: meta }) },
    ...modelFiles('unet', () => buildUnet(u, { attention: opts.attention, dtype, seed, external: opts.externalUnet }), opts),
    { path: 'vae_decoder/config.json', make: () => json({ ...vaeConfigJson(cfg, u.sampleSize), _synthetic: meta }) },
    ...modelFiles('vae_decoder', () => buildVaeDecoder(cfg.vae, { dtype, seed }), opts),
    { path: 'vae_encoder/config.json', make: () => json({ ...vaeConfigJson(cfg, u.sampleSize), _synthetic: meta }) },
    ...modelFiles('vae_encoder', () => buildVaeEncoder(cfg.vae, { dtype, seed }), opts),
  ];
}

function unetConfigJson(u: PipelineConfig['unet']) {
  const { levels, mid } = transformerDepths(u);
  const base = {
    _class_name: 'UNet2DConditionModel',
    sample_size: u.sampleSize,
    in_channels: u.inChannels,
    out_channels: u.outChannels,
    block_out_channels: u.blockOutChannels,
    layers_per_block: u.layersPerBlock,
    down_block_types: levels.map((d) => (d ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
    up_block_types: [...levels].reverse().map((d) => (d ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    // diffusers' attention_head_dim holds the head COUNT (SD 2.x / SDXL list one per level)
    attention_head_dim: 'count' in u.heads ? u.heads.count : u.blockOutChannels.map((c) => c / (u.heads as { headDim: number }).headDim),
    cross_attention_dim: u.crossAttentionDim,
    use_linear_projection: u.useLinearProjection,
    norm_num_groups: u.normGroups,
    norm_eps: 1e-5,
    flip_sin_to_cos: true,
    freq_shift: 0,
  };
  if (!u.addition && !u.transformerLayers) return base;
  return {
    ...base,
    mid_block_type: 'UNetMidBlock2DCrossAttn',
    // the real SDXL config writes 1 for the attention-free first level (its DownBlock2D ignores it)
    transformer_layers_per_block: levels.map((d, l) => (d || (l === levels.length - 1 ? mid : 1))),
    ...(u.addition
      ? {
          addition_embed_type: 'text_time',
          addition_time_embed_dim: u.addition.timeEmbedDim,
          projection_class_embeddings_input_dim: u.addition.textEmbedsDim + u.addition.timeIds * u.addition.timeEmbedDim,
        }
      : {}),
  };
}

function textConfigJson(t: TextEncoderConfig) {
  return {
    architectures: [t.projectionDim ? 'CLIPTextModelWithProjection' : 'CLIPTextModel'],
    model_type: 'clip_text_model',
    vocab_size: t.vocabSize,
    hidden_size: t.hiddenSize,
    num_hidden_layers: t.layers,
    num_attention_heads: t.heads,
    intermediate_size: t.intermediateSize,
    max_position_embeddings: t.maxPositions,
    hidden_act: t.hiddenAct,
    bos_token_id: t.vocabSize - 2,
    eos_token_id: t.vocabSize - 1,
    ...(t.projectionDim ? { projection_dim: t.projectionDim } : {}),
  };
}

function vaeConfigJson(cfg: PipelineConfig, latentSize: number) {
  const v = cfg.vae;
  return {
    _class_name: 'AutoencoderKL',
    in_channels: v.inChannels,
    out_channels: v.inChannels,
    latent_channels: v.latentChannels,
    block_out_channels: v.blockOutChannels,
    layers_per_block: v.layersPerBlock,
    norm_num_groups: v.normGroups,
    scaling_factor: v.scalingFactor,
    sample_size: latentSize * 8,
    // SDXL's VAE overflows in fp16: diffusers upcasts it (force_upcast true in sdxl-base vae/config.json)
    ...(isXlConfig(cfg) ? { force_upcast: true } : {}),
  };
}

/** All files in memory, by relative path (for tests and small configs). */
export function buildPipeline(name: PipelineName | string, opts: PipelineOptions): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of pipelineFiles(name, opts)) {
    const data = f.make();
    if (data.byteLength || !f.path.endsWith('weights.pb')) out.set(f.path, data);
  }
  return out;
}

/** Writes the pipeline under `dir`, one component in memory at a time. Returns the paths written. */
export async function writePipeline(dir: string, name: PipelineName | string, opts: PipelineOptions): Promise<string[]> {
  const written: string[] = [];
  for (const f of pipelineFiles(name, opts)) {
    const data = f.make();
    if (!data.byteLength && f.path.endsWith('weights.pb')) continue;
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    written.push(f.path);
  }
  return written;
}
