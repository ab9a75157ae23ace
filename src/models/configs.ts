// The pipeline configurations: `sd15` and `sd2` have the real architectures' sizes (SD1.5:
// fixed 8 heads, 1×1-conv proj_in/out, CLIP ViT-L text; SD2.x / SD-Turbo: head_dim 64, linear
// proj_in/out, OpenCLIP ViT-H text), `tiny` keeps SD1.5's structure (16 attn1 sites, GroupNorm(32))
// at ~0.53 GFLOP per batch-2 call at its 16×16 default (runs on a software GPU; at 8×8, 0.13 GFLOP,
// the 1×1 bottleneck makes GroupNorm ill-conditioned: 2 values per group amplify float rounding
// ~300×, so WebGPU and CPU differ by 1e-2 there), and the `-narrow` variants keep
// their parent's traits at 1/10 and 1/5 width for unit tests: sd15-narrow (fixed 8 heads, conv projections,
// cross-dim 768), sd2-narrow (head_dim 64 ⇒ heads 1/2/4/4, linear projections, cross-dim 1024);
// `tiny-hd2` has head_dim 2 everywhere (the SA kernels' general path).

export interface UnetConfig {
  inChannels: number;
  outChannels: number;
  /** Channels per level (3 CrossAttnDown + 1 Down, mirrored on the way up). */
  blockOutChannels: readonly [number, number, number, number];
  /** Resnets per down block (up blocks have one more). 2 ⇒ 16 attn1 sites. */
  layersPerBlock: number;
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
  vae: VaeConfig;
}

export type PipelineName = 'tiny' | 'tiny-hd2' | 'tiny-sd2' | 'sd15' | 'sd2' | 'sd15-narrow' | 'sd2-narrow';

const CLIP_L: TextEncoderConfig = { vocabSize: 49408, hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072, maxPositions: 77, hiddenAct: 'quick_gelu' };
const OPENCLIP_H: TextEncoderConfig = { vocabSize: 49408, hiddenSize: 1024, layers: 23, heads: 16, intermediateSize: 4096, maxPositions: 77, hiddenAct: 'gelu' };
const SD_VAE: VaeConfig = { inChannels: 3, latentChannels: 4, blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2, normGroups: 32, scalingFactor: 0.18215 };

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

/** Multiply-adds of one U-Net call (convs, linears, attention products) — for sizing test models. */
export function unetMacs(u: UnetConfig, height: number, width: number, batch: number, contextLen = 77): number {
  const ch = u.blockOutChannels;
  const tokens = (l: number) => Math.ceil(height / 2 ** l) * Math.ceil(width / 2 ** l);
  const resnet = (n: number, cin: number, cout: number) => n * 9 * (cin * cout + cout * cout) + (cin !== cout ? n * cin * cout : 0);
  const transformer = (n: number, c: number) =>
    2 * n * c * c + 4 * n * c * c + 2 * n * n * c + 2 * n * c * c + 2 * contextLen * u.crossAttentionDim * c + 2 * n * contextLen * c + 12 * n * c * c;
  let macs = tokens(0) * 9 * u.inChannels * ch[0] + tokens(0) * 9 * ch[0] * u.outChannels;
  const skips: number[] = [ch[0]];
  for (let l = 0; l < 4; l++) {
    const cin = l ? ch[l - 1] : ch[0];
    for (let i = 0; i < u.layersPerBlock; i++) {
      macs += resnet(tokens(l), i ? ch[l] : cin, ch[l]) + (l < 3 ? transformer(tokens(l), ch[l]) : 0);
      skips.push(ch[l]);
    }
    if (l < 3) {
      macs += tokens(l + 1) * 9 * ch[l] * ch[l];
      skips.push(ch[l]);
    }
  }
  macs += 2 * resnet(tokens(3), ch[3], ch[3]) + transformer(tokens(3), ch[3]);
  let prev = ch[3];
  for (let l = 3; l >= 0; l--) {
    for (let i = 0; i <= u.layersPerBlock; i++) {
      const cin = (i ? ch[l] : prev) + skips.pop()!;
      macs += resnet(tokens(l), cin, ch[l]) + (l < 3 ? transformer(tokens(l), ch[l]) : 0);
    }
    if (l > 0) macs += tokens(l - 1) * 9 * ch[l] * ch[l];
    prev = ch[l];
  }
  return macs * batch;
}
