// Replicas of the public ONNX Stable Diffusion repositories in our registry: tiny dimensions and
// seeded weights, everything else in the form the real repository has — file names and folders,
// external-data names, dtypes at every edge and inside, fixed shapes, op forms (the contrib ops the
// real graph uses, with the optimizer's generic node names), tokenizer files and padding, extra
// inputs, scheduler config. Each fact is listed as confirmed (read from the repository, its build
// script or the code that loads it) or assumed (not knowable from here); README's compatibility
// table is made from these lists. `npm run make-model -- --replica <id> --out DIR`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { castFloat16IoToFloat32, type IoCastStyle } from '../onnx/io-casts.ts';
import { fuseBiasSplitGelu, fuseGelu, fuseQuickGelu } from '../onnx/ort-forms.ts';
import { decodeModel, encodeModel, type ModelProto } from '../onnx/proto.ts';
import type { AttentionStyle } from './attention.ts';
import type { FloatType } from './export-graph.ts';
import { pipelineConfig, type PipelineConfig } from './configs.ts';
import { buildTextEncoder } from './text-encoder.ts';
import { tokenizerFiles, EOS_TOKEN } from './tokenizer.ts';
import { buildUnet, type BuiltModel } from './unet.ts';
import { buildVaeDecoder, buildVaeEncoder } from './vae.ts';

export const REPLICA_IDS = ['sd-turbo', 'sd15-webnn', 'sd21-base', 'lcm-dreamshaper-v7'] as const;
export type ReplicaId = (typeof REPLICA_IDS)[number];

export interface ReplicaFacts {
  repo: string;
  confirmed: string[];
  assumed: string[];
}

export interface Replica {
  id: ReplicaId;
  facts: ReplicaFacts;
  /** the repository's files by path */
  files: Map<string, Uint8Array>;
  /** a tokenizer that lives in another repository (the replica of that one), when the model's has none */
  tokenizer?: { repo: string; files: Map<string, Uint8Array> };
}

const text = (s: string) => new TextEncoder().encode(s);
const json = (o: unknown) => text(JSON.stringify(o, null, 2) + '\n');

type Dims = (number | string)[];

/** Decodes, rewrites and re-encodes one built model (its external blob, if any, is kept as is). */
function rewrite(b: BuiltModel, fn: (m: ModelProto) => void): BuiltModel {
  const m = decodeModel(b.model);
  fn(m);
  return { ...b, model: encodeModel(m) };
}

/** Sets the declared dims of graph inputs / outputs (symbolic names or fixed sizes), as the real exports declare them. */
function setDims(m: ModelProto, dims: Record<string, Dims>): void {
  for (const v of [...m.graph!.input, ...m.graph!.output]) {
    const d = dims[v.name];
    if (!d || v.type?.value.case !== 'tensorType' || !v.type.value.value.shape) continue;
    v.type.value.value.shape.dim.forEach((x, i) => {
      const want = d[i];
      x.value = typeof want === 'number' ? { case: 'dimValue', value: BigInt(want) } : { case: 'dimParam', value: want };
    });
  }
}

/** fp16 body behind fp32 edges, named by the tool that made the real file. */
const fp32Edges = (style: IoCastStyle) => (m: ModelProto) => void castFloat16IoToFloat32(m, style);

function tokenizerFolder(cfg: PipelineConfig, pad: string, withJson: boolean, prefix = 'tokenizer/'): [string, Uint8Array][] {
  return [...tokenizerFiles(cfg.text.vocabSize, pad)].filter(([f]) => withJson || f !== 'tokenizer.json').map(([f, s]) => [`${prefix}${f}`, text(s)]);
}

function files(...entries: ([string, Uint8Array] | [string, BuiltModel])[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [path, v] of entries) {
    if (v instanceof Uint8Array) {
      out.set(path, v);
      continue;
    }
    out.set(path, v.model);
    if (v.externalData) out.set(join(dirname(path), v.externalData.path), v.externalData.data);
  }
  return out;
}

const EULER_TRAILING = {
  _class_name: 'EulerDiscreteScheduler', _diffusers_version: '0.24.0', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085,
  interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon', steps_offset: 1, timestep_spacing: 'trailing', trained_betas: null, use_karras_sigmas: false,
};
const PNDM = {
  _class_name: 'PNDMScheduler', _diffusers_version: '0.10.0', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, clip_sample: false,
  num_train_timesteps: 1000, prediction_type: 'epsilon', set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, trained_betas: null,
};
const LCM = {
  _class_name: 'LCMScheduler', _diffusers_version: '0.22.0', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, clip_sample: false,
  num_train_timesteps: 1000, original_inference_steps: 50, prediction_type: 'epsilon', rescale_betas_zero_snr: false, set_alpha_to_one: true,
  steps_offset: 1, timestep_scaling: 10.0, timestep_spacing: 'leading', trained_betas: null,
};

const modelIndex = (pipeline: string, scheduler: string) =>
  json({ _class_name: pipeline, _diffusers_version: '0.24.0', scheduler: ['diffusers', scheduler], text_encoder: ['diffusers', 'OnnxRuntimeModel'], tokenizer: ['transformers', 'CLIPTokenizer'], unet: ['diffusers', 'OnnxRuntimeModel'], vae_decoder: ['diffusers', 'OnnxRuntimeModel'], vae_encoder: ['diffusers', 'OnnxRuntimeModel'] });
const vaeConfig = (cfg: PipelineConfig) => json({ _class_name: 'AutoencoderKL', latent_channels: cfg.vae.latentChannels, scaling_factor: cfg.vae.scalingFactor, block_out_channels: cfg.vae.blockOutChannels });

/** schmuell/sd-turbo-ort-web: optimum export → ORT optimizer (contrib fusions off but Gelu) → fp16 → onnx-wrap-fp16.py. */
function sdTurbo(seed: number, dt: FloatType): Replica {
  const cfg = pipelineConfig('tiny-sd2');
  const D = cfg.text.hiddenSize;
  const wrap = fp32Edges('wrap-fp16');
  const te = rewrite(buildTextEncoder(cfg.text, { dtype: dt, seed, inputIds: 'int32' }), (m) => {
    fuseGelu(m);
    setDims(m, { input_ids: ['batch_size', 'sequence_length'], last_hidden_state: ['batch_size', 'sequence_length', D], pooler_output: ['batch_size', D] });
    wrap(m);
  });
  const unet = rewrite(buildUnet(cfg.unet, { attention: 'torch2', dtype: dt, seed, timestep: 'int64' }), (m) => {
    fuseGelu(m);
    const io: Dims = ['batch_size', 'num_channels', 'height', 'width'];
    setDims(m, { sample: io, timestep: ['steps'], encoder_hidden_states: ['batch_size', 'sequence_length', D], out_sample: io });
    wrap(m);
  });
  const latentDims: Dims = ['batch_size', 'num_channels_latent', 'height_latent', 'width_latent'];
  const imageDims: Dims = ['batch_size', 'num_channels', 'height', 'width'];
  const dec = rewrite(buildVaeDecoder(cfg.vae, { dtype: dt, seed }), (m) => (setDims(m, { latent_sample: latentDims, sample: imageDims }), wrap(m)));
  const enc = rewrite(buildVaeEncoder(cfg.vae, { dtype: dt, seed }), (m) => setDims(m, { sample: imageDims, latent_sample: latentDims }));
  return {
    id: 'sd-turbo',
    facts: {
      repo: 'schmuell/sd-turbo-ort-web',
      confirmed: [
        'diffusers layout; unet/model.onnx one file, no external data (ORT js/web sd-turbo example, WEBGPU_ON_CPU.md)',
        'built by guschmue/ort-web-perf sd-turbo-for-web.sh: optimum export, ORT optimizer with attention, group norm, NHWC conv, BiasSplitGelu, bias-gelu, skip/embed layer norm, packed QKV/KV fusions off; --float16',
        'onnx-wrap-fp16.py on unet, vae_decoder, text_encoder: fp32 graph edges, the body reads <name>_fp16 from an unnamed Cast (vae_encoder is not wrapped)',
        'inputs: input_ids int32; timestep int64 [steps] (the example feeds [999]); sample / encoder_hidden_states float32; free dims batch_size, num_channels, height, width, sequence_length, num_channels_latent, height_latent, width_latent',
        'SD-Turbo is SD 2.1 distilled: head_dim 64, linear proj_in/out, OpenCLIP (gelu) text encoder, 1 step at t = 999, no CFG',
      ],
      assumed: [
        'tokenizer/ holds vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json with pad "!" (id 0), as stabilityai/sd-turbo — the example pads with id 0 too',
        'Gelu fusion on (the script does not disable it): com.microsoft Gelu in the U-Net\'s GEGLU and the text encoder',
        'scheduler/scheduler_config.json as stabilityai/sd-turbo (Euler, trailing spacing), written from memory',
      ],
    },
    files: files(
      ['model_index.json', modelIndex('StableDiffusionPipeline', 'EulerDiscreteScheduler')],
      ['scheduler/scheduler_config.json', json(EULER_TRAILING)],
      ...tokenizerFolder(cfg, '!', false),
      ['text_encoder/model.onnx', te],
      ['unet/model.onnx', unet],
      ['vae_decoder/config.json', vaeConfig(cfg)],
      ['vae_decoder/model.onnx', dec],
      ['vae_encoder/model.onnx', enc],
    ),
  };
}

/** microsoft/stable-diffusion-v1.5-webnn: flat files, fp16 compute and inputs, fixed b2 c4 s77 shapes. */
function sd15Webnn(seed: number, dt: FloatType): Replica {
  const cfg = pipelineConfig('tiny');
  const D = cfg.text.hiddenSize;
  const L = cfg.unet.sampleSize;
  const te = rewrite(buildTextEncoder(cfg.text, { dtype: dt, seed, inputIds: 'int32' }), (m) =>
    setDims(m, { input_ids: ['batch', 'sequence'], last_hidden_state: ['Addlast_hidden_state_dim_0', 'Addlast_hidden_state_dim_1', D], pooler_output: ['Addlast_hidden_state_dim_0', D] }),
  );
  const unet = rewrite(buildUnet(cfg.unet, { attention: 'torch2', dtype: dt, seed, timestep: 'int64' }), (m) =>
    setDims(m, { sample: [2, 4, L, L], timestep: [2], encoder_hidden_states: [2, 77, D], out_sample: [2, 4, L, L] }),
  );
  const dec = rewrite(buildVaeDecoder(cfg.vae, { dtype: dt, seed }), (m) => setDims(m, { latent_sample: [1, 4, L, L], sample: [1, 3, 8 * L, 8 * L] }));
  const xenova = tokenizerFolder(cfg, EOS_TOKEN, true, '');
  return {
    id: 'sd15-webnn',
    facts: {
      repo: 'microsoft/stable-diffusion-v1.5-webnn',
      confirmed: [
        'flat files: text-encoder.onnx, sd-unet-v1.5-model-b2c4h64w64s77-float16-compute-and-inputs-layernorm.onnx, Stable-Diffusion-v1.5-vae-decoder-float16-fp32-instancenorm.onnx; no model_index.json, scheduler or VAE encoder (webnn-developer-preview demo)',
        'text-encoder: int32 input_ids [batch, sequence] → float16 last_hidden_state and pooler_output',
        'U-Net: float16 sample [2, 4, 64, 64], int64 timestep [2], float16 encoder_hidden_states [2, 77, 768] → float16 out_sample',
        'VAE decoder: float16 latent_sample [1, 4, 64, 64] → float16 sample [1, 3, 512, 512], InstanceNormalization in fp32',
        'prompts padded with <|endoftext|> (49407) to 77 tokens; the tokenizer is not in the repository',
      ],
      assumed: [
        'the fixed shapes are written in the graph (the file name says b2c4h64w64s77; the demo also passes freeDimensionOverrides) — here latents are 16×16, batch 2',
        'attention as torch 2\'s SDPA export (the graph\'s exact attention ops are not published)',
        'tokenizer: Xenova/clip-vit-base-patch16 (tokenizer.json, pads with <|endoftext|>), the CLIP BPE SD 1.5 uses',
      ],
    },
    files: files(
      ['text-encoder.onnx', te],
      [`sd-unet-v1.5-model-b2c4h64w64s77-float16-compute-and-inputs-layernorm.onnx`, unet],
      ['Stable-Diffusion-v1.5-vae-decoder-float16-fp32-instancenorm.onnx', dec],
    ),
    tokenizer: { repo: 'Xenova/clip-vit-base-patch16', files: new Map(xenova) },
  };
}

/** The 2023 ORT optimizer (diffusers.js's exports): fused ops, fp16 with keep_io_types (fp32 edges). */
function ortOptimized2023(b: BuiltModel, role: 'unet' | 'text' | 'vae', act: 'gelu' | 'quick_gelu' = 'gelu'): BuiltModel {
  return rewrite(b, (m) => {
    if (role === 'unet') {
      fuseGelu(m);
      fuseBiasSplitGelu(m);
    } else if (role === 'text') {
      if (act === 'gelu') fuseGelu(m);
      else fuseQuickGelu(m);
    }
    castFloat16IoToFloat32(m, 'keep-io-types');
  });
}

/** aislamov/stable-diffusion-2-1-base-onnx: "fp16 weights with Attention and other fusion optimizations". */
function sd21Base(seed: number, dt: FloatType): Replica {
  const cfg = pipelineConfig('tiny-sd2');
  const style: AttentionStyle = 'ort-attention';
  return {
    id: 'sd21-base',
    facts: {
      repo: 'aislamov/stable-diffusion-2-1-base-onnx',
      confirmed: [
        'diffusers layout (diffusers.js loads unet/, text_encoder/, vae_encoder/, vae_decoder/, tokenizer/, scheduler/)',
        'commits "fp16 weights with Attention and other fusion optimizations", "fp16 vae": the 2023 ORT optimizer (keep_io_types=True: float32 edges behind graph_input_cast_i / graph_output_cast_i)',
        'BiasSplitGelu in the U-Net (diffusers.js issue #18); diffusers.js feeds timestep float32 [1] and int32 input_ids',
        'fusion_attention_unet.py without packed QKV: self-attention com.microsoft Attention_i with a [C, 3C] [Wq|Wk|Wv] weight and zero bias; cross-attention MultiHeadAttention_j',
      ],
      assumed: [
        'cross-attention MultiHeadAttention with separate Q/K/V (not packed KV)',
        'no GroupNorm / NhwcConv fusion (onnxruntime-web cannot run NhwcConv; the preflight refuses it if the real file has it)',
        'unet/model.onnx one file (fp16 fits in 2 GB); tokenizer pads with "!" (SD 2.x); PNDM scheduler config as stabilityai/stable-diffusion-2-1-base',
      ],
    },
    files: files(
      ['model_index.json', modelIndex('OnnxStableDiffusionPipeline', 'PNDMScheduler')],
      ['scheduler/scheduler_config.json', json(PNDM)],
      ...tokenizerFolder(cfg, '!', false),
      ['text_encoder/model.onnx', ortOptimized2023(buildTextEncoder(cfg.text, { dtype: dt, seed, inputIds: 'int32' }), 'text')],
      ['unet/model.onnx', ortOptimized2023(buildUnet(cfg.unet, { attention: style, dtype: dt, seed }), 'unet')],
      ['vae_decoder/config.json', vaeConfig(cfg)],
      ['vae_decoder/model.onnx', ortOptimized2023(buildVaeDecoder(cfg.vae, { dtype: dt, seed }), 'vae')],
      ['vae_encoder/model.onnx', ortOptimized2023(buildVaeEncoder(cfg.vae, { dtype: dt, seed }), 'vae')],
    ),
  };
}

/** aislamov/lcm-dreamshaper-v7-onnx: fp16, U-Net and VAE decoder weights in model.onnx_data, timestep_cond. */
function lcmDreamshaper(seed: number, dt: FloatType): Replica {
  const cfg = pipelineConfig('tiny');
  const ext = { external: true, externalLocation: 'model.onnx_data' };
  return {
    id: 'lcm-dreamshaper-v7',
    facts: {
      repo: 'aislamov/lcm-dreamshaper-v7-onnx',
      confirmed: [
        'diffusers layout; unet/model.onnx + unet/model.onnx_data, vae_decoder/model.onnx + model.onnx_data; fp16 weights',
        'the U-Net takes timestep_cond [batch, 256]: the guidance-scale embedding (diffusers.js feeds it with timestep float32 [1], batch 1, no CFG)',
        'LCMScheduler; Dreamshaper v7 is SD 1.5-based (CLIP ViT-L, quick_gelu)',
      ],
      assumed: [
        'made by the same 2023 ORT optimizer as sd21-base: float32 edges (keep_io_types), com.microsoft Attention for attn1, BiasSplitGelu, QuickGelu in the text encoder',
        'scheduler config as SimianLuo/LCM_Dreamshaper_v7\'s; tokenizer pads with <|endoftext|> (SD 1.5)',
        'diffusers.js builds w-embedding from guidance_scale itself; diffusers (and this app) from guidance_scale − 1',
      ],
    },
    files: files(
      ['model_index.json', modelIndex('LatentConsistencyModelPipeline', 'LCMScheduler')],
      ['scheduler/scheduler_config.json', json(LCM)],
      ...tokenizerFolder(cfg, EOS_TOKEN, false),
      ['text_encoder/model.onnx', ortOptimized2023(buildTextEncoder(cfg.text, { dtype: dt, seed, inputIds: 'int32' }), 'text', 'quick_gelu')],
      ['unet/model.onnx', ortOptimized2023(buildUnet(cfg.unet, { attention: 'ort-attention', dtype: dt, seed, timeCondProjDim: 256, ...ext }), 'unet')],
      ['vae_decoder/config.json', vaeConfig(cfg)],
      ['vae_decoder/model.onnx', ortOptimized2023(buildVaeDecoder(cfg.vae, { dtype: dt, seed, ...ext }), 'vae')],
      ['vae_encoder/model.onnx', ortOptimized2023(buildVaeEncoder(cfg.vae, { dtype: dt, seed }), 'vae')],
    ),
  };
}

const BUILDERS: Record<ReplicaId, (seed: number, dt: FloatType) => Replica> = {
  'sd-turbo': sdTurbo,
  'sd15-webnn': sd15Webnn,
  'sd21-base': sd21Base,
  'lcm-dreamshaper-v7': lcmDreamshaper,
};

export function isReplicaId(id: string): id is ReplicaId {
  return (REPLICA_IDS as readonly string[]).includes(id);
}

/**
 * The replica of `id`. `fp32` keeps every form but the precision (same files, ops, shapes, float32
 * weights and edges): what a software adapter without shader-f16 (SwiftShader) can generate with.
 */
export function buildReplica(id: ReplicaId, seed = 1, opts: { fp32?: boolean } = {}): Replica {
  return BUILDERS[id](seed, opts.fp32 ? 'float32' : 'float16');
}

/** Writes the replica's files under `dir` (and a separate tokenizer repository under `${dir}-tokenizer`). */
export async function writeReplica(dir: string, id: ReplicaId, seed = 1, opts: { fp32?: boolean } = {}): Promise<{ files: string[]; tokenizerDir?: string }> {
  const r = buildReplica(id, seed, opts);
  const put = async (root: string, m: Map<string, Uint8Array>) => {
    for (const [path, data] of m) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), data);
    }
  };
  await put(dir, r.files);
  if (!r.tokenizer) return { files: [...r.files.keys()] };
  await put(`${dir}-tokenizer`, r.tokenizer.files);
  return { files: [...r.files.keys()], tokenizerDir: `${dir}-tokenizer` };
}


/**
 * The fp32 reference of a replica: the same seeded weights and architecture in fp32, torch-form ops
 * (no contrib ops: onnxruntime-node runs it on the CPU), in diffusers' layout, with the same
 * tokenizer and scheduler config — what an fp16 replica's generation is compared with.
 */
export function replicaReference(id: ReplicaId, seed = 1): Map<string, Uint8Array> {
  const r = buildReplica(id, seed);
  const cfg = pipelineConfig(id === 'sd-turbo' || id === 'sd21-base' ? 'tiny-sd2' : 'tiny');
  const out = new Map<string, Uint8Array>();
  for (const [path, data] of r.files) if (path.endsWith('.json') || path.startsWith('tokenizer/')) out.set(path, data);
  for (const [path, data] of r.tokenizer?.files ?? []) out.set(`tokenizer/${path}`, data);
  const put = (path: string, b: BuiltModel) => out.set(path, b.model);
  put('text_encoder/model.onnx', buildTextEncoder(cfg.text, { dtype: 'float32', seed, inputIds: 'int32' }));
  put('unet/model.onnx', buildUnet(cfg.unet, { attention: 'torch2', dtype: 'float32', seed, ...(id === 'lcm-dreamshaper-v7' ? { timeCondProjDim: 256 } : {}) }));
  put('vae_decoder/model.onnx', buildVaeDecoder(cfg.vae, { dtype: 'float32', seed }));
  if (!out.has('vae_decoder/config.json')) out.set('vae_decoder/config.json', vaeConfig(cfg));
  return out;
}
