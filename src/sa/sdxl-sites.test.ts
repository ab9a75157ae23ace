// SDXL's 70 attn1 sites (SPEC_SA §5a) and their windows, worked by hand for a few sites.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SA_PARAMS, normalizeSaParams, planGeneration, SD_UNET_LAYOUT, SDXL_UNET_LAYOUT, sdUnetSites, siteDepth, type SaWindow } from './index.ts';

const SITES = sdUnetSites(SDXL_UNET_LAYOUT);

describe('SDXL site layout', () => {
  it('70 sites: down 2×2 + 2×10, mid 10, up 3×10 + 3×2, none at the first level', () => {
    expect(SITES).toHaveLength(70);
    const count = (pred: (i: number) => boolean) => SITES.filter((_, i) => pred(i)).length;
    const by = (side: string, level: number) => count((i) => SITES[i].side === side && SITES[i].level === level);
    expect([by('in', 0), by('in', 1), by('in', 2), by('mid', 2), by('out', 2), by('out', 1), by('out', 0)]).toEqual([0, 4, 20, 10, 30, 6, 0]);
    expect(SITES[0].name).toBe('down_blocks.1.attentions.0.transformer_blocks.0.attn1');
    expect(SITES[23].name).toBe('down_blocks.2.attentions.1.transformer_blocks.9.attn1');
    expect(SITES[24].name).toBe('mid_block.attentions.0.transformer_blocks.0.attn1');
    expect(SITES[69].name).toBe('up_blocks.1.attentions.2.transformer_blocks.1.attn1');
    expect(sdUnetSites(SD_UNET_LAYOUT)).toHaveLength(16); // SD 1.x/2.x unchanged
  });

  it('depth is relative to the first level WITH attention (640): 1 at 640, 2 at 1280 and mid', () => {
    const plan = planGeneration(SITES, [500], DEFAULT_SA_PARAMS, { h: 128, w: 128 });
    expect(plan.baseChannels).toBe(640);
    expect([...new Set(SITES.map((s) => `${s.side}:${siteDepth(s, plan.baseChannels)}`))]).toEqual(['in:1', 'in:2', 'mid:2', 'out:2', 'out:1']);
  });
});

describe('SDXL windows worked by hand (1024², latent 128×128, t = 600, default SA params)', () => {
  // t = 600 ⇒ time = 1 − 600/1000 = 0.4 = peak_time ⇒ time_ratio = exp(−0² · 2²) = 1.
  // Grids: level 1 = 64×64, level 2 = 32×32. in.strength 6, out.strength 4, depth_decay 2.
  //  down_blocks.1 (640, depth 1):  s = 6 · 1 · 1²      = 6   ⇒ sty = ⌈√6⌉ = 3, stx = ⌈6/3⌉ = 2
  //                                 ⇒ 3×2, ho = ⌊64/3⌋ = 21, wo = 32, M = 672
  //  down_blocks.2 (1280, depth 2): s = 6 · (1/2)²      = 1.5 ⇒ sty = ⌈√1.5⌉ = 2, stx = ⌈1.5/2⌉ = 1
  //                                 ⇒ 2×1, ho = 16, wo = 32, M = 512
  //  mid_block (1280): keep_middle ⇒ plain attention (reason keep_middle, s = 0)
  //  up_blocks.0 (1280, depth 2):   s = 4 · (1/2)²      = 1   ⇒ s ≤ 1 ⇒ plain ('weak')
  //  up_blocks.1 (640, depth 1):    s = 4               = 4   ⇒ sty = 2, stx = 2 ⇒ 2×2, 32×32, M = 1024
  // (With SD 1.x's rule — depth from the first level, 320 — down_blocks.1 would be depth 2, s = 1.5.)
  const plan = planGeneration(SITES, [600], DEFAULT_SA_PARAMS, { h: 128, w: 128 });
  const cell = (name: string) => plan.cells[SITES.findIndex((s) => s.name === name)][0];
  const win2d = (sty: number, stx: number, ho: number, wo: number, s: number): SaWindow => ({ active: true, kind: '2d', mode: 'avg', sty, stx, ho, wo, m: ho * wo, kBlend: 0, vBlend: 0, s });

  it.each([
    ['down_blocks.1.attentions.0.transformer_blocks.1.attn1', win2d(3, 2, 21, 32, 6)],
    ['down_blocks.2.attentions.1.transformer_blocks.7.attn1', win2d(2, 1, 16, 32, 1.5)],
    ['mid_block.attentions.0.transformer_blocks.4.attn1', { active: false, reason: 'keep_middle', s: 0 }],
    ['up_blocks.0.attentions.2.transformer_blocks.9.attn1', { active: false, reason: 'weak', s: 1 }],
    ['up_blocks.1.attentions.0.transformer_blocks.0.attn1', win2d(2, 2, 32, 32, 4)],
  ] as const)('%s', (name, expected) => {
    const w = cell(name);
    expect({ ...w, s: 0 }).toEqual({ ...expected, s: 0 });
    expect(w.s).toBeCloseTo(expected.s, 12);
  });

  it('keep_middle off: the mid block uses the in set like down_blocks.2 (2×1 on 32×32)', () => {
    const p = normalizeSaParams({ keep_middle: false }).params;
    const off = planGeneration(SITES, [600], p, { h: 128, w: 128 });
    const mid = off.cells[SITES.findIndex((s) => s.side === 'mid')][0];
    expect(mid).toMatchObject({ active: true, sty: 2, stx: 1, ho: 16, wo: 32, m: 512 });
  });
});
