import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { buildUnet } from '../models/unet.ts';
import { PIPELINE_CONFIGS, type UnetConfig } from '../models/configs.ts';
import { unpackPackedMha } from './unpack-mha.ts';
import { decodeModel, encodeModel } from './proto.ts';
import { splitUnet } from './surgery.ts';
import { seededValues } from '../gpu/kernels/check.ts';
import { createCpuSplitRunner } from './testing/cpu-split-runner.ts';
import { DEFAULT_SA_PARAMS, planGeneration, siteGrid, type SaParams, type SaWindow } from '../sa/index.ts';
import type { AttentionStyle } from '../models/attention.ts';

function feeds(u: UnetConfig, B: number, H: number, W: number) {
  return {
    sample: new ortNode.Tensor('float32', seededValues(B * u.inChannels * H * W, 11), [B, u.inChannels, H, W]),
    timestep: new ortNode.Tensor('float32', new Float32Array(B).fill(601), [B]),
    encoder_hidden_states: new ortNode.Tensor('float32', seededValues(B * 77 * u.crossAttentionDim, 12), [B, 77, u.crossAttentionDim]),
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function unsplitRun(bytes: Uint8Array, f: Record<string, ortNode.Tensor>): Promise<Float32Array> {
  const m = decodeModel(bytes);
  unpackPackedMha(m); // the unsplit reference: ORT cannot run packed MHA
  const s = await ortNode.InferenceSession.create(encodeModel(m));
  const out = await s.run(f);
  await s.release();
  return out.out_sample.data as Float32Array;
}

const OFF: SaWindow = { active: false, reason: 'disabled', s: 0 };

describe('splitUnet on synthetic U-Nets (onnxruntime-node CPU + CPU reference sites)', () => {
  const cases: [string, AttentionStyle, number, number][] = [];
  for (const style of ['torch2', 'torch1', 'ort-fused'] as const) for (const [H, W] of [[16, 16], [24, 40]] as const) cases.push(['tiny', style, H, W]);
  for (const style of ['ort-attention', 'ort-mha'] as const) cases.push(['tiny', style, 24, 40]);
  for (const style of ['torch2', 'ort-fused'] as const) cases.push(['sd2-narrow', style, 16, 16]);

  it.each(cases)('%s %s %i×%i: segments + reference sites with SA off equal the unsplit model ≤1e-5', async (cfg, style, H, W) => {
    const u = PIPELINE_CONFIGS[cfg as 'tiny' | 'sd2-narrow'].unet;
    const built = buildUnet(u, { attention: style, dtype: 'float32', seed: 3 });
    const split = splitUnet(built.model);
    expect(split.sites).toHaveLength(16);
    expect(split.segments).toHaveLength(17);
    const f = feeds(u, 2, H, W);
    const ref = await unsplitRun(built.model, f);
    const runner = await createCpuSplitRunner(split);
    const got = await runner.run(f, (site, N) => {
      const g = siteGrid(H, W, site.level);
      expect(g.h * g.w).toBe(N);
      return { window: OFF, ...g };
    });
    await runner.release();
    const out = got.out_sample.data as Float32Array;
    expect(out.length).toBe(ref.length);
    expect(maxAbsDiff(out, ref)).toBeLessThanOrEqual(1e-5);
  });

  it('with SA on, the output changes and each site uses the window planGeneration gives', async () => {
    const u = PIPELINE_CONFIGS.tiny.unet;
    const built = buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 3 });
    const split = splitUnet(built.model);
    const [H, W] = [24, 40];
    const f = feeds(u, 2, H, W);
    const params: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 9 } };
    const plan = planGeneration(split.sites, [601], params, { h: H, w: W });
    const used: SaWindow[] = [];
    const runner = await createCpuSplitRunner(split);
    const on = await runner.run(f, (site) => {
      used[site.index] = plan.cells[site.index][0];
      return { window: plan.cells[site.index][0], ...siteGrid(H, W, site.level) };
    });
    const off = await runner.run(f, (site) => ({ window: OFF, ...siteGrid(H, W, site.level) }));
    await runner.release();
    expect(used.length).toBe(16);
    // level-0 sites (C = 32 = base): s = 9 → a 3×3 window; the mid site is kept (keep_middle).
    const first = used[0];
    expect(first.active && first.kind === '2d' && [first.sty, first.stx]).toEqual([3, 3]);
    expect(used[6].active).toBe(false);
    const diff = maxAbsDiff(on.out_sample.data as Float32Array, off.out_sample.data as Float32Array);
    expect(diff).toBeGreaterThan(1e-3);
  });
});

describe('findAttnSites by structure', () => {
  const u = PIPELINE_CONFIGS.tiny.unet;
  const named = splitUnet(buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 3 }).model).sites;

  it.each(['ort-attention', 'ort-mha', 'ort-fused', 'torch1'] as const)('%s: the same 16 sites (names, sides, levels, channels, heads) as the torch2 export', (style) => {
    const sites = splitUnet(buildUnet(u, { attention: style, dtype: 'float32', seed: 3 }).model).sites;
    expect(new Set(sites.map((s) => s.style))).toEqual(new Set([style]));
    const shape = (s: (typeof named)[number]) => ({ name: s.name, side: s.side, level: s.level, channels: s.channels, heads: s.heads });
    expect(sites.map(shape)).toEqual(named.map(shape));
  });

  it('ort-attention: attn1 is com.microsoft Attention_i with [Wq | Wk | Wv] and a zero bias, split into the three projections', () => {
    const split = splitUnet(buildUnet(u, { attention: 'ort-attention', dtype: 'float32', seed: 3 }).model);
    const s = split.sites[0];
    expect(s.q).toEqual({ initializer: 'Attention_0_qkv_weight', packed: { index: 0, layout: 'blocks' }, bias: 'Attention_0_qkv_bias', biasIndex: 0 });
    expect(s.v.packed?.index).toBe(2);
    expect(s.regionNodes).toContain('Attention_0');
  });

  it('generic or missing node names: the sites come from the graph alone, with the same sides, levels and order', () => {
    const m = decodeModel(buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 3 }).model);
    for (const n of m.graph!.node) n.name = '';
    const sites = splitUnet(encodeModel(m)).sites;
    expect(sites.map((s) => [s.side, s.level, s.channels, s.heads])).toEqual(named.map((s) => [s.side, s.level, s.channels, s.heads]));
    expect(sites.map((s) => s.name).slice(0, 3)).toEqual(['attn1.in.L0.0', 'attn1.in.L0.1', 'attn1.in.L1.0']);
    expect(sites[6].name).toBe('attn1.mid.L3.0');
  });
});
