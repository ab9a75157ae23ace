// The SDXL-family U-Net (tiny-xl: SDXL's depth pattern at small widths): its inputs, the 70 attn1
// sites where SDXL has them (none at the first level, 2 and 10 transformer blocks per
// Transformer2DModel, 10 in the mid block), site discovery on it, and runs on the CPU EP —
// finite, right shape, the text_time inputs matter, the attention styles are one model.
import { afterAll, describe, expect, it } from 'vitest';
import { graphIo, readModel } from '../onnx/model-file.ts';
import { findAttnSites } from '../onnx/sites.ts';
import { attn1SiteCount, PIPELINE_CONFIGS } from './configs.ts';
import { buildUnet, finishModel, unetGraphOnly, type BuiltModel } from './unet.ts';
import { DataType } from '../onnx/proto.ts';
import * as ort from 'onnxruntime-node';
import { allFinite, cpuSession, floatTensor, maxAbsDiff, normal, runCpu, toF32, unetFeeds } from './testing/cpu-run.ts';
import { castFloat16IoToFloat32 } from '../onnx/io-casts.ts';
import { decodeModel, encodeModel } from '../onnx/proto.ts';
import { GraphIndex } from './testing/graph-query.ts';
import type { AttentionStyle } from './attention.ts';

const u = PIPELINE_CONFIGS['tiny-xl'].unet;
const built = new Map<AttentionStyle, BuiltModel>();
const model = (style: AttentionStyle) => {
  if (!built.has(style)) built.set(style, buildUnet(u, { attention: style, dtype: 'float32', seed: 1 }));
  return built.get(style)!;
};

/** attn1 scopes in graph order, e.g. down_blocks.1/attentions.0/transformer_blocks.1 */
function attn1Scopes(g: GraphIndex): string[] {
  return g.nodes.flatMap((n) => n.name.match(/^\/(.*)\/attn1\/to_out\.0\/MatMul$/)?.[1] ?? []);
}

describe('tiny-xl U-Net graph', () => {
  it('has the five inputs of an optimum SDXL U-Net export, in order', () => {
    const g = new GraphIndex(readModel(model('torch2').model).model);
    expect(g.model.graph!.input.map((v) => v.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids']);
    const dims = (name: string) => graphIo(g.model).inputs.find((v) => v.name === name)!.dims;
    expect(dims('text_embeds')).toEqual([undefined, 32]);
    expect(dims('time_ids')).toEqual([undefined, 6]);
    expect(dims('encoder_hidden_states')).toEqual([undefined, undefined, 64]);
    // add_embedding.linear_1 reads concat(text_embeds, 6 × 16 sinusoids) = 32 + 96 = 128 wide
    expect(g.model.graph!.initializer.find((t) => t.name === 'add_embedding.linear_1.weight')!.dims.map(Number)).toEqual([64, 128]);
  });

  it('has 70 attn1 sites exactly where SDXL has them (4 + 20 down, 10 mid, 30 + 6 up)', () => {
    expect(attn1SiteCount(u)).toBe(70);
    expect(attn1SiteCount(PIPELINE_CONFIGS.sdxl.unet)).toBe(70);
    expect(attn1SiteCount(PIPELINE_CONFIGS.tiny.unet)).toBe(16); // the SD 1.x formula is unchanged
    const scopes = attn1Scopes(new GraphIndex(readModel(model('torch2').model).model));
    expect(scopes).toHaveLength(70);
    const perBlock = new Map<string, number>();
    for (const s of scopes) {
      const block = s.split('/attentions.')[0];
      perBlock.set(block, (perBlock.get(block) ?? 0) + 1);
    }
    expect(Object.fromEntries(perBlock)).toEqual({ 'down_blocks.1': 4, 'down_blocks.2': 20, mid_block: 10, 'up_blocks.0': 30, 'up_blocks.1': 6 });
    // one Transformer2DModel holds its blocks in sequence: transformer_blocks.0 … 9 under one proj_in
    expect(scopes.filter((s) => s.startsWith('mid_block/'))).toEqual(Array.from({ length: 10 }, (_, k) => `mid_block/attentions.0/transformer_blocks.${k}`));
    expect(scopes.slice(0, 4)).toEqual(['down_blocks.1/attentions.0/transformer_blocks.0', 'down_blocks.1/attentions.0/transformer_blocks.1', 'down_blocks.1/attentions.1/transformer_blocks.0', 'down_blocks.1/attentions.1/transformer_blocks.1']);
  });

  it.each(['torch2', 'ort-fused'] as const)('%s: site discovery finds the 70 sites with their sides, levels, channels and heads', (style) => {
    const sites = findAttnSites(readModel(model(style).model).model);
    expect(sites).toHaveLength(70);
    const summary = (from: number, to: number) => [...new Set(sites.slice(from, to).map((s) => `${s.side} L${s.level} C${s.channels} h${s.heads}`))];
    expect(summary(0, 4)).toEqual(['in L1 C32 h2']);
    expect(summary(4, 24)).toEqual(['in L2 C64 h4']);
    expect(summary(24, 34)).toEqual(['mid L2 C64 h4']);
    expect(summary(34, 64)).toEqual(['out L2 C64 h4']);
    expect(summary(64, 70)).toEqual(['out L1 C32 h2']);
    expect(sites[25].name).toBe('mid_block.attentions.0.transformer_blocks.1.attn1');
    if (style === 'ort-fused') expect(sites.map((s) => s.style)).toEqual(Array(70).fill('ort-fused'));
  });
});

// ~12.7k nodes: session creation takes tens of seconds on a busy 2-core machine
describe('tiny-xl sites without node names', () => {
  it('come from the graph alone with the same sides and levels: down_blocks.2 (in) and the mid block both sit at the deepest level', () => {
    const named = findAttnSites(readModel(model('torch2').model).model);
    const m = decodeModel(model('torch2').model);
    for (const n of m.graph!.node) n.name = '';
    const sites = findAttnSites(m);
    expect(sites.map((s) => [s.side, s.level, s.channels])).toEqual(named.map((s) => [s.side, s.level, s.channels]));
    expect([sites[23].name, sites[24].name, sites[33].name, sites[34].name]).toEqual(['attn1.in.L2.19', 'attn1.mid.L2.0', 'attn1.mid.L2.9', 'attn1.out.L2.0']);
  });
});

describe('tiny-xl time embedding, computed by hand', () => {
  // emb = time_embedding(time_proj(t)) + add_embedding(concat[text_embeds, add_time_proj(time_ids).reshape(B, -1)]),
  // with get_timestep_embedding's [cos | sin] halves (flip_sin_to_cos, shift 0) and Gemm = x·Wᵀ + b.
  it('the graph computes the same emb as a plain re-implementation from its weights (1e-5)', async () => {
    const g = unetGraphOnly(u, { attention: 'torch2', dtype: 'float32', seed: 1 });
    const add = g.b.nodes.find((n) => n.name === '/Add')!; // emb + aug_emb, the first root-scope Add
    // keep only emb's ancestors (a small, fast graph) and the inputs they read
    const producer = new Map(g.b.nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
    const keep = new Set<(typeof g.b.nodes)[number]>();
    const stack = [add];
    while (stack.length) {
      const n = stack.pop()!;
      if (keep.has(n)) continue;
      keep.add(n);
      for (const i of n.input) if (producer.has(i)) stack.push(producer.get(i)!);
    }
    const kept = g.b.nodes.filter((n) => keep.has(n));
    g.b.nodes.splice(0, g.b.nodes.length, ...kept);
    const used = new Set(kept.flatMap((n) => n.input));
    g.b.inputs.splice(0, g.b.inputs.length, ...g.b.inputs.filter((v) => used.has(v.name)));
    g.b.outputs.length = 0;
    g.b.output({ name: add.output[0], dataType: DataType.FLOAT, dims: ['batch', 64] });
    const built = finishModel(g, 'emb', false);
    const loaded = readModel(built.model);
    const w = (name: string) => {
      const b = loaded.initializerBytes(name).slice();
      return new Float32Array(b.buffer, 0, b.byteLength / 4);
    };
    const gemmNamed = (x: number[], node: string) => {
      const n = loaded.model.graph!.node.find((m) => m.name === node)!;
      const [W, b] = [w(n.input[1]), w(n.input[2])];
      return Array.from(b, (bias, o) => x.reduce((s, xi, i) => s + xi * W[o * x.length + i], bias));
    };
    const silu = (x: number[]) => x.map((v) => v / (1 + Math.exp(-v)));
    const sinusoid = (t: number, dim: number) => {
      const f = Array.from({ length: dim / 2 }, (_, i) => t * Math.exp((-Math.log(10000) * i) / (dim / 2)));
      return [...f.map(Math.cos), ...f.map(Math.sin)];
    };
    const textEmbeds = Array.from(normal(3, 'te', 32));
    const timeIds = [96, 128, 8, 0, 128, 128];
    const out = (await runCpu(built, {
      timestep: floatTensor('float32', Float32Array.of(500), [1]),
      sample: floatTensor('float32', new Float32Array(4 * 8 * 8), [1, 4, 8, 8]),
      text_embeds: floatTensor('float32', Float32Array.from(textEmbeds), [1, 32]),
      time_ids: floatTensor('float32', Float32Array.from(timeIds), [1, 6]),
    }))[add.output[0]];
    const temb = gemmNamed(silu(gemmNamed(sinusoid(500, 16), '/time_embedding/act/linear_1/Gemm')), '/time_embedding/linear_2/Gemm');
    const addIn = [...textEmbeds, ...timeIds.flatMap((id) => sinusoid(id, 16))];
    const aug = gemmNamed(silu(gemmNamed(addIn, '/add_embedding/linear_1/Gemm')), '/add_embedding/linear_2/Gemm');
    expect(out.dims).toEqual([1, 64]);
    expect(maxAbsDiff(toF32(out), Float32Array.from(temb, (v, i) => v + aug[i]))).toBeLessThanOrEqual(1e-5);
  });
});

describe('tiny-xl U-Net on onnxruntime CPU', { timeout: 300_000 }, () => {
  const spec = { batch: 2, height: 16, width: 16, contextDim: u.crossAttentionDim, addition: { textEmbedsDim: 32 } };
  const outputs = new Map<string, Float32Array>();
  const sessions = new Map<AttentionStyle, Promise<ort.InferenceSession>>();
  afterAll(async () => {
    for (const s of sessions.values()) await (await s).release();
  });
  const run = async (style: AttentionStyle, change?: (f: ReturnType<typeof unetFeeds>) => void) => {
    const feeds = unetFeeds('float32', spec);
    change?.(feeds);
    if (!sessions.has(style)) sessions.set(style, cpuSession(model(style)));
    const out = (await (await sessions.get(style)!).run(feeds)).out_sample;
    expect(out.dims).toEqual([2, 4, 16, 16]);
    return toF32(out);
  };

  it('gives a finite [2, 4, 16, 16] output', async () => {
    const out = await run('torch2');
    outputs.set('torch2', out);
    expect(allFinite(out)).toBe(true);
    expect(Math.max(...out.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('text_embeds and time_ids change the output (the text_time embedding is wired in)', async () => {
    const base = outputs.get('torch2')!;
    const otherText = await run('torch2', (f) => (f.text_embeds = floatTensor('float32', normal(9, 'other', 2 * 32), [2, 32])));
    const otherSize = await run('torch2', (f) => (f.time_ids = floatTensor('float32', Float32Array.from([512, 512, 0, 0, 1024, 1024, 512, 512, 0, 0, 1024, 1024]), [2, 6])));
    expect(maxAbsDiff(base, otherText)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(base, otherSize)).toBeGreaterThan(1e-4);
  });

  it('float16 behind float32 edges (the public web form) stays within half-precision error of float32', async () => {
    const m = decodeModel(buildUnet(u, { attention: 'ort-fused', dtype: 'float16', seed: 1 }).model);
    expect(castFloat16IoToFloat32(m)).toBe(6); // five inputs, one output
    const feeds = unetFeeds('float32', spec);
    const out = toF32((await runCpu({ model: encodeModel(m) }, feeds)).out_sample);
    expect(allFinite(out)).toBe(true);
    expect(maxAbsDiff(out, outputs.get('torch2')!)).toBeLessThanOrEqual(5e-2); // as the tiny U-Net's fp16 bound
  });

  it('torch1 and ort-fused are the same model as torch2 (1e-5)', async () => {
    const base = outputs.get('torch2')!;
    for (const s of ['torch1', 'ort-fused'] as const) expect(maxAbsDiff(await run(s), base), s).toBeLessThanOrEqual(1e-5);
  });
});
