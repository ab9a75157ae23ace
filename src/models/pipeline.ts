// A complete synthetic SD pipeline in the Hugging Face diffusers-ONNX folder layout:
//   model_index.json, scheduler/scheduler_config.json, tokenizer/{vocab.json, merges.txt,
//   tokenizer_config.json, special_tokens_map.json, tokenizer.json},
//   text_encoder/model.onnx, unet/model.onnx (+ unet/weights.pb when external),
//   vae_decoder/model.onnx, vae_encoder/model.onnx, and an optimum-style config.json per model.
// Components are produced one at a time so a full-size pipeline is written with one model in memory.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipelineConfig, type PipelineConfig, type PipelineName } from './configs.ts';
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

function schedulerConfig(cfg: PipelineConfig): object {
  const common = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, steps_offset: 1, trained_betas: null, prediction_type: 'epsilon' };
  if (cfg.unet.useLinearProjection) {
    return { _class_name: 'EulerDiscreteScheduler', _diffusers_version: '0.24.0', ...common, interpolation_type: 'linear', timestep_spacing: 'trailing', use_karras_sigmas: false };
  }
  return { _class_name: 'PNDMScheduler', _diffusers_version: '0.24.0', ...common, clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true };
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
  return [
    {
      path: 'model_index.json',
      make: () =>
        json({
          _class_name: 'OnnxStableDiffusionPipeline',
          _diffusers_version: '0.24.0',
          feature_extractor: [null, null],
          requires_safety_checker: false,
          safety_checker: [null, null],
          scheduler: ['diffusers', (schedulerConfig(cfg) as { _class_name: string })._class_name],
          text_encoder: ['diffusers', 'OnnxRuntimeModel'],
          tokenizer: ['transformers', 'CLIPTokenizer'],
          unet: ['diffusers', 'OnnxRuntimeModel'],
          vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
          vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
          _synthetic: meta,
        }),
    },
    { path: 'scheduler/scheduler_config.json', make: () => json(schedulerConfig(cfg)) },
    ...[...tokenizerFiles(cfg.text.vocabSize, cfg.unet.useLinearProjection ? '!' : undefined)].map(([f, s]) => ({ path: `tokenizer/${f}`, make: () => text(s) })),
    { path: 'text_encoder/config.json', make: () => json({ ...textConfigJson(cfg), _synthetic: meta }) },
    ...modelFiles('text_encoder', () => buildTextEncoder(cfg.text, { dtype, seed, inputIds: opts.inputIds }), opts),
    { path: 'unet/config.json', make: () => json({ ...unetConfigJson(u), _synthetic: meta }) },
    ...modelFiles('unet', () => buildUnet(u, { attention: opts.attention, dtype, seed, external: opts.externalUnet }), opts),
    { path: 'vae_decoder/config.json', make: () => json({ ...vaeConfigJson(cfg, u.sampleSize), _synthetic: meta }) },
    ...modelFiles('vae_decoder', () => buildVaeDecoder(cfg.vae, { dtype, seed }), opts),
    { path: 'vae_encoder/config.json', make: () => json({ ...vaeConfigJson(cfg, u.sampleSize), _synthetic: meta }) },
    ...modelFiles('vae_encoder', () => buildVaeEncoder(cfg.vae, { dtype, seed }), opts),
  ];
}

function unetConfigJson(u: PipelineConfig['unet']) {
  return {
    _class_name: 'UNet2DConditionModel',
    sample_size: u.sampleSize,
    in_channels: u.inChannels,
    out_channels: u.outChannels,
    block_out_channels: u.blockOutChannels,
    layers_per_block: u.layersPerBlock,
    down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
    up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
    attention_head_dim: 'count' in u.heads ? u.heads.count : u.blockOutChannels.map((c) => c / (u.heads as { headDim: number }).headDim),
    cross_attention_dim: u.crossAttentionDim,
    use_linear_projection: u.useLinearProjection,
    norm_num_groups: u.normGroups,
    norm_eps: 1e-5,
    flip_sin_to_cos: true,
    freq_shift: 0,
  };
}

function textConfigJson(cfg: PipelineConfig) {
  const t = cfg.text;
  return {
    architectures: ['CLIPTextModel'],
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
