// The attn1 sites of a Stable Diffusion U-Net (diffusers layout), for planning and the heatmap
// before a model is inspected. SD 1.x / 2.x: cross-attention down blocks at every level but the
// deepest, one mid block, cross-attention up blocks mirroring them with one more transformer per
// block, one transformer block each. SDXL (SPEC_SA §5a): no attention at the first level,
// Transformer2DModels of 2 and 10 transformer blocks at the others and 10 in the mid block, each
// block its own attn1 site (…attentions.1.transformer_blocks.7.attn1) ⇒ 70 sites.
import { SaScheduleError, type SaSite } from './schedule.ts';

export interface SdUnetLayout {
  /** block_out_channels, e.g. [320, 640, 1280, 1280] for SD 1.x and 2.x, [320, 640, 1280] for SDXL */
  readonly channels: readonly number[];
  /** transformers per down block (diffusers layers_per_block) */
  readonly layersPerBlock: number;
  /**
   * transformer blocks per level's Transformer2DModel, 0 = no attention there (default: 1 at every
   * level but the deepest, 0 there — SD 1.x / 2.x); SDXL [0, 2, 10]
   */
  readonly transformerLayers?: readonly number[];
  /** transformer blocks in the mid block (default 1; SDXL 10) */
  readonly midTransformerLayers?: number;
}

export const SD_UNET_LAYOUT: SdUnetLayout = { channels: [320, 640, 1280, 1280], layersPerBlock: 2 };
/** stabilityai/stable-diffusion-xl-base-1.0 unet/config.json (see src/models/configs.ts). */
export const SDXL_UNET_LAYOUT: SdUnetLayout = { channels: [320, 640, 1280], layersPerBlock: 2, transformerLayers: [0, 2, 10], midTransformerLayers: 10 };

function sitesOf(module: string, blocks: number, side: SaSite['side'], level: number, channels: number): SaSite[] {
  return Array.from({ length: blocks }, (_, k) => ({ name: `${module}.transformer_blocks.${k}.attn1`, side, level, channels }));
}

/** Sites in execution order: down_blocks.0 … mid_block … up_blocks.N. */
export function sdUnetSites(layout: SdUnetLayout = SD_UNET_LAYOUT): SaSite[] {
  const { channels, layersPerBlock } = layout;
  const levels = channels.length;
  if (levels < 2 || !Number.isInteger(layersPerBlock) || layersPerBlock < 1) {
    throw new SaScheduleError('sdUnetSites needs at least 2 channel levels and layersPerBlock ≥ 1.');
  }
  const depth = layout.transformerLayers ?? channels.map((_, l) => (l < levels - 1 ? 1 : 0));
  const mid = layout.midTransformerLayers ?? 1;
  if (depth.length !== levels || [...depth, mid].some((d) => !Number.isInteger(d) || d < 0)) {
    throw new SaScheduleError(`transformerLayers must hold one integer ≥ 0 per level (${levels}), got [${depth.join(', ')}], mid ${mid}.`);
  }
  const sites: SaSite[] = [];
  for (let level = 0; level < levels; level++) {
    for (let a = 0; a < layersPerBlock; a++) sites.push(...sitesOf(`down_blocks.${level}.attentions.${a}`, depth[level], 'in', level, channels[level]));
  }
  sites.push(...sitesOf('mid_block.attentions.0', mid, 'mid', levels - 1, channels[levels - 1]));
  for (let block = 0; block < levels; block++) {
    const level = levels - 1 - block;
    for (let a = 0; a <= layersPerBlock; a++) sites.push(...sitesOf(`up_blocks.${block}.attentions.${a}`, depth[level], 'out', level, channels[level]));
  }
  return sites;
}
