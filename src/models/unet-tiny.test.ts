// The tiny U-Net: attention patterns as onnxruntime's fusion matchers see them, every style × dtype
// on the CPU EP against the recorded statistics, style equivalence, other latent sizes, determinism.
import { describe, expect, it } from 'vitest';
import { readModel } from '../onnx/model-file.ts';
import { PIPELINE_CONFIGS } from './configs.ts';
import { buildUnet, attn1SiteCount } from './unet.ts';
import { allCases, STYLES, unetCase, unetModel, type RunOutput } from './testing/cases.ts';
import { maxAbsDiff } from './testing/cpu-run.ts';
import { expectRecordedStats } from './testing/expect-stats.ts';
import { GraphIndex } from './testing/graph-query.ts';
import type { AttentionStyle } from './attention.ts';

const u = PIPELINE_CONFIGS.tiny.unet;

/** fusion_attention_unet.py: LayerNorm → (Add|Reshape) → skip Add, then match_qkv_torch1 / torch2. */
function matchOrtSelfAttention(g: GraphIndex, ln: ReturnType<GraphIndex['byName']>, style: 'torch1' | 'torch2') {
  const before = g.matchParent(ln, 'Add', 0) ?? g.matchParent(ln, 'Reshape', 0);
  expect(before, `${ln.name} parent`).toBeDefined();
  const root = before!.output[0];
  const skipAdd = g.children(root).find((n) => n.opType === 'Add' && n !== ln);
  expect(skipAdd).toBeDefined();
  const other = skipAdd!.input[0] === root ? 1 : 0;
  // ORT runs remove_useless_div first: step over the Div by 1 of rescale_output_factor
  const div = g.matchParent(skipAdd!, 'Div', other)!;
  expect(div, 'Div(rescale_output_factor)').toBeDefined();
  if (style === 'torch2') {
    const out = g.matchParentPath(div, ['Add', 'MatMul', 'Reshape', 'Transpose', 'MatMul'], [0, null, null, 0, 0])!;
    expect(out, `${ln.name}: torch2 qkv path`).toBeDefined();
    const mmQkv = out[4];
    const v = g.matchParentPath(mmQkv, ['Transpose', 'Reshape', 'MatMul'], [1, 0, 0])!;
    const qk = g.matchParentPath(mmQkv, ['Softmax', 'MatMul'], [0, 0])!;
    const q = g.matchParentPath(qk[1], ['Mul', 'Transpose', 'Reshape', 'MatMul'], [0, null, 0, 0])!;
    const k = g.matchParentPath(qk[1], ['Mul', 'Transpose', 'Reshape', 'MatMul'], [1, null, 0, 0])!;
    const scale = g.matchParentPath(q[0], ['Sqrt', 'Div', 'Sqrt', 'Cast', 'Slice', 'Shape', 'Transpose', 'Reshape'], [null, 0, 1, 0, 0, 0, 0, 0])!;
    for (const p of [v, qk, q, k, scale]) expect(p).toBeDefined();
    expect(scale[7]).toBe(q[2]); // the scale comes from the query's own Reshape
    // num_heads from the Concat feeding reshape_q (get_num_heads, is_torch2)
    const concat = g.matchParent(q[2], 'Concat', 1)!;
    expect(concat.input).toHaveLength(4);
    return { q: q[3], k: k[3], v: v[2], toOut: out[1] };
  }
  const out = g.matchParentPath(div, ['Add', 'MatMul', 'Reshape', 'Transpose', 'Reshape', 'MatMul'], [0, null, null, 0, 0, 0])!;
  expect(out, `${ln.name}: torch1 qkv path`).toBeDefined();
  const mmQkv = out[5];
  const v = g.matchParentPath(mmQkv, ['Reshape', 'Transpose', 'Reshape', 'MatMul'], [1, 0, 0, 0])!;
  const qk = g.matchParentPath(mmQkv, ['Softmax', 'Mul', 'MatMul'], [0, 0, 0])!;
  const q = g.matchParentPath(qk[2], ['Reshape', 'Transpose', 'Reshape', 'MatMul'], [0, 0, 0, 0])!;
  const k = g.matchParentPath(qk[2], ['Transpose', 'Reshape', 'Transpose', 'Reshape', 'MatMul'], [1, 0, 0, 0, 0])!;
  for (const p of [v, qk, q, k]) expect(p).toBeDefined();
  return { q: q[3], k: k[4], v: v[3], toOut: out[1] };
}

describe('tiny U-Net structure', () => {
  it.each(['torch2', 'torch1'] as const)('%s: 16 attn1 sites match ORT fusion_attention_unet patterns', (style) => {
    const g = new GraphIndex(readModel(unetModel('tiny', style, 'float32').model).model);
    const norms = g.nodes.filter((n) => /\/transformer_blocks\.0\/norm1\/LayerNormalization$/.test(n.name));
    expect(norms).toHaveLength(16);
    expect(attn1SiteCount(u)).toBe(16);
    for (const ln of norms) {
      const scope = ln.name.replace('/norm1/LayerNormalization', '');
      const { q, k, v, toOut } = matchOrtSelfAttention(g, ln, style);
      expect([q.name, k.name, v.name, toOut.name]).toEqual(['to_q', 'to_k', 'to_v', 'to_out.0'].map((m) => `${scope}/attn1/${m}/MatMul`));
      for (const mm of [q, k, v]) {
        expect(mm.input[0]).toBe(ln.output[0]); // n = norm1 output
        expect(mm.input[1]).toMatch(/^onnx::MatMul_\d+$/);
        expect(g.initializers.has(mm.input[1])).toBe(true);
      }
    }
  });

  it('ort-fused: packed-QKV MultiHeadAttention_0–15 for attn1, packed-KV 16–31 for attn2', () => {
    const g = new GraphIndex(readModel(unetModel('tiny', 'ort-fused', 'float32').model).model);
    const mha = g.nodes.filter((n) => n.opType === 'MultiHeadAttention');
    expect(mha.map((n) => n.name)).toEqual(expect.arrayContaining(Array.from({ length: 32 }, (_, i) => `MultiHeadAttention_${i}`)));
    for (const n of mha) {
      const id = Number(n.name.split('_')[1]);
      expect(n.domain).toBe('com.microsoft');
      const reshape = g.producer.get(n.input[id < 16 ? 0 : 1])!;
      const mm = g.producer.get(reshape.input[0])!;
      expect(mm.name).toBe(id < 16 ? `MatMul_QKV_${id}` : `MatMul_KV_${id - 16}`);
      const toOut = g.children(n.output[0])[0];
      expect(toOut.name).toMatch(id < 16 ? /\/attn1\/to_out\.0\/MatMul$/ : /\/attn2\/to_out\.0\/MatMul$/);
      if (id < 16) {
        expect(n.input).toHaveLength(1);
        expect(g.producer.get(mm.input[0])!.name).toBe(toOut.name.replace('/attn1/to_out.0/MatMul', '/norm1/LayerNormalization'));
      } else expect(mm.input[0]).toBe('encoder_hidden_states');
    }
    expect(g.nodes.some((n) => n.name.includes('/attn1/to_q/'))).toBe(false);
    expect(g.nodes.some((n) => n.opType === 'Div' && n.name.includes('/attn'))).toBe(false); // remove_useless_div
  });

  it('GroupNorm is Reshape → InstanceNormalization → Reshape → Mul → Add', () => {
    const g = new GraphIndex(readModel(unetModel('tiny', 'torch2', 'float32').model).model);
    const add = g.byName('/down_blocks.0/resnets.0/norm1/Add');
    const path = g.matchParentPath(add, ['Mul', 'Reshape', 'InstanceNormalization', 'Reshape'], [0, 0, 0, 0]);
    expect(path?.map((n) => n.name)).toEqual(['Mul', 'Reshape_1', 'InstanceNormalization', 'Reshape'].map((s) => `/down_blocks.0/resnets.0/norm1/${s}`));
  });
});

describe('tiny U-Net on onnxruntime CPU', () => {
  const results = new Map<string, Record<string, RunOutput>>();
  const run = async (c: ReturnType<typeof unetCase>) => {
    if (!results.has(c.id)) results.set(c.id, await c.run());
    return results.get(c.id)!;
  };

  it.each(allCases().tiny.map((c) => [c.id, c] as const))('%s: finite, expected shape, recorded statistics', async (_id, c) => {
    expectRecordedStats(c.id, await run(c));
  });

  it('the three styles are one model: same output to 1e-5 (fp32)', async () => {
    const outs: Record<string, RunOutput>[] = [];
    for (const s of STYLES) outs.push(await run(unetCase('tiny', s, 'float32')));
    for (const o of outs.slice(1)) expect(maxAbsDiff(o.out_sample.values, outs[0].out_sample.values)).toBeLessThanOrEqual(1e-5);
  });

  it.each(STYLES)('%s float16 stays within half-precision error of float32', async (s: AttentionStyle) => {
    const a = await run(unetCase('tiny', s, 'float32'));
    const b = await run(unetCase('tiny', s, 'float16'));
    expect(maxAbsDiff(a.out_sample.values, b.out_sample.values)).toBeLessThanOrEqual(5e-2); // ~4% of the output range
  });

  it('same seed ⇒ byte-identical files; another seed ⇒ other weights', () => {
    const opts = { attention: 'ort-fused', dtype: 'float16', seed: 11 } as const;
    const a = buildUnet(u, opts);
    expect(Buffer.from(buildUnet(u, opts).model).equals(Buffer.from(a.model))).toBe(true);
    expect(Buffer.from(buildUnet(u, { ...opts, seed: 12 }).model).equals(Buffer.from(a.model))).toBe(false);
    const ext = buildUnet(u, { ...opts, external: true });
    expect(Buffer.from(buildUnet(u, { ...opts, external: true }).externalData!.data).equals(Buffer.from(ext.externalData!.data))).toBe(true);
  });
});
