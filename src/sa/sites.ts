// The attn1 sites of an SD 1.x / 2.x U-Net (diffusers layout), for planning and the heatmap
// before a model is inspected: cross-attention down blocks at every level but the deepest, one
// mid block, cross-attention up blocks mirroring them with one more transformer per block.
import { SaScheduleError, type SaSite } from './schedule.ts';

export interface SdUnetLayout {
  /** block_out_channels, e.g. [320, 640, 1280, 1280] for SD 1.x and 2.x */
  readonly channels: readonly number[];
  /** transformers per down block (diffusers layers_per_block) */
  readonly layersPerBlock: number;
}

export const SD_UNET_LAYOUT: SdUnetLayout = { channels: [320, 640, 1280, 1280], layersPerBlock: 2 };

function site(name: string, side: SaSite['side'], level: number, channels: number): SaSite {
  return { name: `${name}.transformer_blocks.0.attn1`, side, level, channels };
}

/** Sites in execution order: down_blocks.0 … mid_block … up_blocks.N. */
export function sdUnetSites(layout: SdUnetLayout = SD_UNET_LAYOUT): SaSite[] {
  const { channels, layersPerBlock } = layout;
  const levels = channels.length;
  if (levels < 2 || !Number.isInteger(layersPerBlock) || layersPerBlock < 1) {
    throw new SaScheduleError('sdUnetSites needs at least 2 channel levels and layersPerBlock ≥ 1.');
  }
  const sites: SaSite[] = [];
  for (let level = 0; level < levels - 1; level++) {
    for (let a = 0; a < layersPerBlock; a++) {
      sites.push(site(`down_blocks.${level}.attentions.${a}`, 'in', level, channels[level]));
    }
  }
  sites.push(site('mid_block.attentions.0', 'mid', levels - 1, channels[levels - 1]));
  for (let block = 1; block < levels; block++) {
    const level = levels - 1 - block;
    for (let a = 0; a <= layersPerBlock; a++) {
      sites.push(site(`up_blocks.${block}.attentions.${a}`, 'out', level, channels[level]));
    }
  }
  return sites;
}
