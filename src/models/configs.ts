// The pipeline configurations: `sd15` and `sd2` have the real architectures' sizes (SD1.5:
// fixed 8 heads, 1×1-conv proj_in/out, CLIP ViT-L text; SD2.x / SD-Turbo: head_dim 64, linear
// proj_in/out, OpenCLIP ViT-H text), `tiny` keeps SD1.5's structure (16 attn1 sites, GroupNorm(32))
// at ~0.53 GFLOP per batch-2 call at its 16×16 default (runs on a software GPU; at 8×8, 0.13 GFLOP,
// the 1×1 bottleneck makes GroupNorm ill-conditioned: 2 values per group amplify float rounding
// ~300×, so WebGPU and CPU differ by 1e-2 there), and the `-narrow` variants keep
// their parent's traits at 1/10 and 1/5 width for unit tests: sd15-narrow (fixed 8 heads, conv projections,
// cross-dim 768), sd2-narrow (head_dim 64 ⇒ heads 1/2/4/4, linear projections, cross-dim 1024);
// `tiny-hd2` has head_dim 2 everywhere (the SA kernels' general path).
//
// SDXL family (`sdxl`, `tiny-xl`): three levels, no attention at the first (DownBlock2D / UpBlock2D),
// transformer depth 2 and 10 at the others and 10 in the mid block ⇒ 70 attn1 sites, head_dim 64,
// linear projections, cross-attention 2048 wide (CLIP ViT-L 768 ‖ OpenCLIP bigG 1280 penultimate
// hidden states), and the "text_time" added embedding (pooled text_embeds [B, 1280] and time_ids
// [B, 6] → add_time_proj (256 per id) → concat → add_embedding MLP, added to the time embedding).
// Sizes from stabilityai/stable-diffusion-xl-base-1.0 unet/config.json (the HF repo is not in our
// search index; the same config is quoted verbatim in many public repos, e.g. a ControlNeXt SDXL
// script and InvokeAI-style SDXL config dumps: block_out_channels [320, 640, 1280],
// transformer_layers_per_block [1, 2, 10], attention_head_dim [5, 10, 20] (= heads: 64 wide each),
// down (DownBlock2D, CrossAttnDownBlock2D ×2), up (CrossAttnUpBlock2D ×2, UpBlock2D),
// cross_attention_dim 2048, addition_embed_type "text_time", addition_time_embed_dim 256,
// projection_class_embeddings_input_dim 2816, use_linear_projection true, sample_size 128).
// transformer_layers_per_block[0] = 1 is unused there: the level has no attention (DownBlock2D),
// which our `transformerLayers` writes as 0.

export interface UnetConfig {
  inChannels: number;
  outChannels: number;
  /**
   * Channels per level (SD 1.x/2.x: 4 levels, 3 CrossAttnDown + 1 Down; SDXL: 3 levels, 1 Down +
   * 2 CrossAttnDown), mirrored on the way up.
   */
  blockOutChannels: readonly number[];
  /** Resnets per down block (up blocks have one more). 2 ⇒ 16 attn1 sites in SD 1.x/2.x. */
  layersPerBlock: number;
  /**
   * Transformer blocks per Transformer2DModel at each level; 0 = no attention there (DownBlock2D /
   * UpBlock2D). Default (SD 1.x/2.x): 1 at every level but the deepest, 0 there. SDXL: [0, 2, 10].
   */
  transformerLayers?: readonly number[];
  /** Transformer blocks in the mid block's Transformer2DModel (default 1; SDXL 10). */
  midTransformerLayers?: number;
  /**
   * SDXL's addition_embed_type "text_time": extra inputs `text_embeds` [B, textEmbedsDim] and
   * `time_ids` [B, timeIds]; projection_class_embeddings_input_dim = textEmbedsDim + timeIds · timeEmbedDim.
   */
  addition?: { timeEmbedDim: number; textEmbedsDim: number; timeIds: number };
  /** SD1.x: a fixed number of heads; SD2.x: a fixed head_dim (heads vary per level). */
  heads: { count: number } | { headDim: number };
  crossAttentionDim: number;
  /** SD2.x: Linear proj_in/proj_out; SD1.x: 1×1 Conv. */
  useLinearProjection: boolean;
  normGroups: number;
  /** Default latent height = width. */
  sampleSize: number;
}

export interface TextEncoderConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  hiddenAct: 'quick_gelu' | 'gelu';
  /** CLIPTextModelWithProjection: text_projection (Linear, no bias) of the pooled output, this wide. */
  projectionDim?: number;
}

export interface VaeConfig {
  inChannels: number;
  latentChannels: number;
  blockOutChannels: readonly number[];
  layersPerBlock: number;
  normGroups: number;
  scalingFactor: number;
}

export interface PipelineConfig {
  name: string;
  unet: UnetConfig;
  text: TextEncoderConfig;
  /** SDXL: the second text encoder (CLIPTextModelWithProjection; its projection gives text_embeds). */
  text2?: TextEncoderConfig;
  vae: VaeConfig;
}

export type PipelineName = 'tiny' | 'tiny-hd2' | 'tiny-sd2' | 'sd15' | 'sd2' | 'sd15-narrow' | 'sd2-narrow' | 'tiny-xl' | 'sdxl';

const CLIP_L: TextEncoderConfig = { vocabSize: 49408, hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072, maxPositions: 77, hiddenAct: 'quick_gelu' };
const OPENCLIP_H: TextEncoderConfig = { vocabSize: 49408, hiddenSize: 1024, layers: 23, heads: 16, intermediateSize: 4096, maxPositions: 77, hiddenAct: 'gelu' };
const SD_VAE: VaeConfig = { inChannels: 3, latentChannels: 4, blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2, normGroups: 32, scalingFactor: 0.18215 };
// OpenCLIP ViT-bigG/14 as SDXL's text_encoder_2 (CLIPTextModelWithProjection, projection_dim 1280;
// hidden 1280, 32 layers, 20 heads, intermediate 5120, gelu — laion/CLIP-ViT-bigG-14-laion2B-39B-b160k,
// quoted with projection_dim 1280 in diffusers' single-file conversion code).
const OPENCLIP_BIGG: TextEncoderConfig = { vocabSize: 49408, hiddenSize: 1280, layers: 32, heads: 20, intermediateSize: 5120, maxPositions: 77, hiddenAct: 'gelu', projectionDim: 1280 };
// SDXL's VAE: SD's architecture with scaling_factor 0.13025 (sdxl-base-1.0 vae/config.json).
const SDXL_VAE: VaeConfig = { ...SD_VAE, scalingFactor: 0.13025 };
const TINY_XL_VAE: VaeConfig = { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.13025 };

export const PIPELINE_CONFIGS: Record<PipelineName, PipelineConfig> = {
  tiny: {
    name: 'tiny',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [32, 32, 64, 64],
      layersPerBlock: 2,
      heads: { count: 2 },
      crossAttentionDim: 32,
      useLinearProjection: false,
      normGroups: 32,
      sampleSize: 16,
    },
    text: { vocabSize: 1024, hiddenSize: 32, layers: 2, heads: 2, intermediateSize: 64, maxPositions: 77, hiddenAct: 'quick_gelu' },
    vae: { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.18215 },
  },
  // head_dim 2 at every level (4/8/16/16 heads): the shapes our vectorised kernels cannot run as
  // they are, so every site takes the general (zero-padded) path of src/gpu/site.ts
  'tiny-hd2': {
    name: 'tiny-hd2',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [8, 16, 32, 32],
      layersPerBlock: 2,
      heads: { headDim: 2 },
      crossAttentionDim: 32,
      useLinearProjection: false,
      normGroups: 4,
      sampleSize: 16,
    },
    text: { vocabSize: 1024, hiddenSize: 32, layers: 2, heads: 2, intermediateSize: 64, maxPositions: 77, hiddenAct: 'quick_gelu' },
    vae: { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.18215 },
  },
  // SD 2.x's traits at tiny size (replicas of SD 2.x-based exports): a fixed head_dim (16 here, 64
  // in SD 2.x), linear proj_in/out, a gelu text encoder whose width is the cross-attention width
  'tiny-sd2': {
    name: 'tiny-sd2',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [32, 64, 64, 64],
      layersPerBlock: 2,
      heads: { headDim: 16 },
      crossAttentionDim: 32,
      useLinearProjection: true,
      normGroups: 8,
      sampleSize: 16,
    },
    text: { vocabSize: 1024, hiddenSize: 32, layers: 2, heads: 2, intermediateSize: 64, maxPositions: 77, hiddenAct: 'gelu' },
    vae: { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.18215 },
  },
  sd15: {
    name: 'sd15',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [320, 640, 1280, 1280],
      layersPerBlock: 2,
      heads: { count: 8 },
      crossAttentionDim: 768,
      useLinearProjection: false,
      normGroups: 32,
      sampleSize: 64,
    },
    text: CLIP_L,
    vae: SD_VAE,
  },
  sd2: {
    name: 'sd2',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [320, 640, 1280, 1280],
      layersPerBlock: 2,
      heads: { headDim: 64 },
      crossAttentionDim: 1024,
      useLinearProjection: true,
      normGroups: 32,
      sampleSize: 64,
    },
    text: OPENCLIP_H,
    vae: SD_VAE,
  },
  'sd15-narrow': {
    name: 'sd15-narrow',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [32, 64, 128, 128],
      layersPerBlock: 2,
      heads: { count: 8 },
      crossAttentionDim: 768,
      useLinearProjection: false,
      normGroups: 32,
      sampleSize: 8,
    },
    text: { vocabSize: 1024, hiddenSize: 768, layers: 1, heads: 12, intermediateSize: 768, maxPositions: 77, hiddenAct: 'quick_gelu' },
    vae: { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.18215 },
  },
  'sd2-narrow': {
    name: 'sd2-narrow',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [64, 128, 256, 256],
      layersPerBlock: 2,
      heads: { headDim: 64 },
      crossAttentionDim: 1024,
      useLinearProjection: true,
      normGroups: 32,
      sampleSize: 8,
    },
    text: { vocabSize: 1024, hiddenSize: 1024, layers: 1, heads: 16, intermediateSize: 1024, maxPositions: 77, hiddenAct: 'gelu' },
    vae: { inChannels: 3, latentChannels: 4, blockOutChannels: [8, 8, 16, 16], layersPerBlock: 1, normGroups: 8, scalingFactor: 0.18215 },
  },
  // SDXL's structure at tiny size: the real depth pattern (0 / 2 / 10, mid 10 ⇒ 70 attn1 sites)
  // and channel ratios (1 : 2 : 4, so §5a's depths are 1 and 2), head_dim 16, two small text
  // encoders whose widths add up to the cross-attention width (32 + 32 = 64), text_embeds 32 wide
  'tiny-xl': {
    name: 'tiny-xl',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [16, 32, 64],
      layersPerBlock: 2,
      transformerLayers: [0, 2, 10],
      midTransformerLayers: 10,
      heads: { headDim: 16 },
      crossAttentionDim: 64,
      useLinearProjection: true,
      normGroups: 8,
      sampleSize: 16,
      addition: { timeEmbedDim: 16, textEmbedsDim: 32, timeIds: 6 },
    },
    text: { vocabSize: 1024, hiddenSize: 32, layers: 2, heads: 2, intermediateSize: 64, maxPositions: 77, hiddenAct: 'quick_gelu' },
    text2: { vocabSize: 1024, hiddenSize: 32, layers: 3, heads: 2, intermediateSize: 64, maxPositions: 77, hiddenAct: 'gelu', projectionDim: 32 },
    vae: TINY_XL_VAE,
  },
  // real SDXL base sizes (bench only: 2.6 G parameters, never built in tests)
  sdxl: {
    name: 'sdxl',
    unet: {
      inChannels: 4,
      outChannels: 4,
      blockOutChannels: [320, 640, 1280],
      layersPerBlock: 2,
      transformerLayers: [0, 2, 10],
      midTransformerLayers: 10,
      heads: { headDim: 64 },
      crossAttentionDim: 2048,
      useLinearProjection: true,
      normGroups: 32,
      sampleSize: 128,
      addition: { timeEmbedDim: 256, textEmbedsDim: 1280, timeIds: 6 },
    },
    text: CLIP_L,
    text2: OPENCLIP_BIGG,
    vae: SDXL_VAE,
  },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function pipelineConfig(name: string): PipelineConfig {
  const cfg = (PIPELINE_CONFIGS as Record<string, PipelineConfig>)[name];
  if (!cfg) throw new ConfigError(`Unknown model config "${name}": use one of ${Object.keys(PIPELINE_CONFIGS).join(', ')}.`);
  return cfg;
}

/** Heads of the transformer blocks at level `level` (0 = full latent resolution). */
export function headsAt(u: UnetConfig, level: number): number {
  const c = u.blockOutChannels[level];
  const heads = 'count' in u.heads ? u.heads.count : c / u.heads.headDim;
  if (!Number.isInteger(heads) || c % heads) throw new ConfigError(`Level ${level}: ${c} channels do not split into whole heads.`);
  return heads;
}

/**
 * Transformer depth per level and in the mid block (0 = no attention at that level). SD 1.x/2.x
 * default: 1 at every level but the deepest, mid 1. Throws ConfigError for a malformed list.
 */
export function transformerDepths(u: UnetConfig): { levels: number[]; mid: number } {
  const n = u.blockOutChannels.length;
  if (n < 2) throw new ConfigError(`A U-Net needs at least 2 levels, got ${n}.`);
  const levels = u.transformerLayers ? [...u.transformerLayers] : u.blockOutChannels.map((_, l) => (l < n - 1 ? 1 : 0));
  const mid = u.midTransformerLayers ?? 1;
  if (levels.length !== n) throw new ConfigError(`transformerLayers has ${levels.length} entries for ${n} levels.`);
  if ([...levels, mid].some((d) => !Number.isInteger(d) || d < 0)) throw new ConfigError(`Transformer depths must be integers ≥ 0, got [${levels.join(', ')}], mid ${mid}.`);
  return { levels, mid };
}

/** Number of self-attention (attn1) sites: per attention level, depth · layers_per_block down and depth · (layers_per_block + 1) up, + mid depth. */
export function attn1SiteCount(u: UnetConfig): number {
  const { levels, mid } = transformerDepths(u);
  return levels.reduce((n, d) => n + d * u.layersPerBlock + d * (u.layersPerBlock + 1), 0) + mid;
}

/** Multiply-adds of one U-Net call (convs, linears, attention products) — for sizing test models. */
export function unetMacs(u: UnetConfig, height: number, width: number, batch: number, contextLen = 77): number {
  const ch = u.blockOutChannels;
  const last = ch.length - 1;
  const { levels: depth, mid } = transformerDepths(u);
  const tokens = (l: number) => Math.ceil(height / 2 ** l) * Math.ceil(width / 2 ** l);
  const resnet = (n: number, cin: number, cout: number) => n * 9 * (cin * cout + cout * cout) + (cin !== cout ? n * cin * cout : 0);
  // one Transformer2DModel of `blocks` transformer blocks (proj_in/out once, 2·n·c² here)
  const transformer = (n: number, c: number, blocks = 1) =>
    blocks ? 2 * n * c * c + blocks * (4 * n * c * c + 2 * n * n * c + 2 * n * c * c + 2 * contextLen * u.crossAttentionDim * c + 2 * n * contextLen * c + 12 * n * c * c) : 0;
  let macs = tokens(0) * 9 * u.inChannels * ch[0] + tokens(0) * 9 * ch[0] * u.outChannels;
  const skips: number[] = [ch[0]];
  for (let l = 0; l <= last; l++) {
    const cin = l ? ch[l - 1] : ch[0];
    for (let i = 0; i < u.layersPerBlock; i++) {
      macs += resnet(tokens(l), i ? ch[l] : cin, ch[l]) + transformer(tokens(l), ch[l], depth[l]);
      skips.push(ch[l]);
    }
    if (l < last) {
      macs += tokens(l + 1) * 9 * ch[l] * ch[l];
      skips.push(ch[l]);
    }
  }
  macs += 2 * resnet(tokens(last), ch[last], ch[last]) + transformer(tokens(last), ch[last], mid);
  let prev = ch[last];
  for (let l = last; l >= 0; l--) {
    for (let i = 0; i <= u.layersPerBlock; i++) {
      const cin = (i ? ch[l] : prev) + skips.pop()!;
      macs += resnet(tokens(l), cin, ch[l]) + transformer(tokens(l), ch[l], depth[l]);
    }
    if (l > 0) macs += tokens(l - 1) * 9 * ch[l] * ch[l];
    prev = ch[l];
  }
  return macs * batch;
}
