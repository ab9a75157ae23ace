// The ORT-fused form of a torch-exported U-Net, the fair unsplit baseline of bench/suite.ts: every
// attention core written as MatMul–Softmax–MatMul (torch 2 SDPA or the classic AttnProcessor;
// self- and cross-attention) becomes one com.microsoft MultiHeadAttention(q, k, v) with num_heads
// and no bias — the input form for which onnxruntime-web 1.30's WebGPU EP runs its flash attention
// (contrib_ops/webgpu/bert/flash_attention: separate Q/K/V [B, S, hidden], head_size % 4 == 0,
// head_size == v_head_size; packed QKV/KV is not implemented there) instead of materialising the
// B·heads·N·M scores. q, k, v are the projection outputs [B, S, C] the core starts from; the MHA
// writes the tensor that feeds to_out ([B, N, C]); the Reshape/Transpose/scale nodes in between go,
// and so does any shape subgraph left without consumers. Weights are untouched (no copies). The
// op's default scale 1/√head_dim is the one both torch forms apply.
import { GraphIndex } from './graph-index.ts';
import { AttributeProto_AttributeType, AttributeProtoSchema, create, NodeProtoSchema, OperatorSetIdProtoSchema, type ModelProto, type NodeProto } from './proto.ts';
import { headsInRegion, projectionsBehind, scoreMatMul, toOutAfter, type Projection } from './sites.ts';

export interface FusedAttention {
  /** self-attention (attn1) cores rewritten */
  self: number;
  /** cross-attention (attn2) cores rewritten */
  cross: number;
}

interface CoreRewrite {
  mha: NodeProto;
  /** nodes replaced by `mha` (indices into the graph's nodes) */
  region: number[];
  /** where `mha` goes: the position of the node that wrote the core's output */
  at: number;
  self: boolean;
}

/** The projection's output: after its bias Add where there is one. */
function projectionOutput(idx: GraphIndex, p: Projection): string {
  if (!p.weight.bias) return p.matmul.output[0];
  const add = (idx.consumers.get(p.matmul.output[0]) ?? []).map((i) => idx.nodes[i]).find((n) => n.opType === 'Add' && n.input.includes(p.weight.bias!));
  return add?.output[0] ?? p.matmul.output[0];
}

/** Matches one Softmax core of a torch export; undefined for anything else or a core whose inner tensors are used elsewhere. */
function matchSoftmaxCore(idx: GraphIndex, softmax: NodeProto, serial: number): CoreRewrite | undefined {
  const qk = projectionsBehind(idx, softmax.input[0]);
  const pv = (idx.consumers.get(softmax.output[0]) ?? []).map((i) => idx.nodes[i]).find((n) => n.opType === 'MatMul');
  const score = scoreMatMul(idx, softmax.input[0]);
  if (qk.length !== 2 || !pv || !score) return undefined;
  const vs = projectionsBehind(idx, pv.input[1]);
  const qFirst = projectionsBehind(idx, score.input[0]);
  if (vs.length !== 1 || qFirst.length !== 1) return undefined;
  const q = qk.find((p) => p.matmul === qFirst[0].matmul);
  const k = qk.find((p) => p !== q);
  if (!q || !k || k.x !== vs[0].x) return undefined;
  const toOut = toOutAfter(idx, pv);
  if (!toOut) return undefined;
  const o = toOut.input[0];
  const starts = [q, k, vs[0]].map((p) => projectionOutput(idx, p));
  const desc = new Set(starts.flatMap((t) => [...idx.descendants(t)]));
  const region = [...idx.ancestors(o)].filter((i) => desc.has(i));
  const inRegion = new Set(region);
  // every tensor the region writes must die inside it, except o (which the MHA writes instead)
  for (const i of region) {
    for (const t of idx.nodes[i].output) {
      if (t === o) continue;
      if (idx.outputs.has(t) || (idx.consumers.get(t) ?? []).some((c) => !inRegion.has(c))) return undefined;
    }
  }
  const heads = headsInRegion(idx, region.map((i) => idx.nodes[i]));
  if (!heads) return undefined;
  const scope = toOut.name.match(/^(.*)\/to_out\.0\/MatMul(?:_\d+)?$/)?.[1];
  const mha = create(NodeProtoSchema, {
    opType: 'MultiHeadAttention',
    domain: 'com.microsoft',
    name: scope ? `${scope}/MultiHeadAttention` : `MultiHeadAttention_fused_${serial}`,
    input: starts,
    output: [o],
    attribute: [create(AttributeProtoSchema, { name: 'num_heads', type: AttributeProto_AttributeType.INT, i: BigInt(heads) })],
  });
  return { mha, region, at: idx.producer.get(o)!, self: q.x === k.x };
}

/** Drops nodes none of whose outputs is consumed or a graph output, until none is left; then initializers nothing reads. */
function pruneDead(model: ModelProto, removedInputs: Set<string>): void {
  const g = model.graph!;
  const outputs = new Set(g.output.map((v) => v.name));
  for (;;) {
    const used = new Set(g.node.flatMap((n) => n.input));
    const dead = new Set(g.node.filter((n) => !n.output.some((t) => t && (used.has(t) || outputs.has(t)))));
    if (!dead.size) break;
    for (const n of dead) for (const x of n.input) removedInputs.add(x);
    g.node = g.node.filter((n) => !dead.has(n));
  }
  const used = new Set(g.node.flatMap((n) => n.input));
  g.initializer = g.initializer.filter((t) => used.has(t.name) || outputs.has(t.name) || !removedInputs.has(t.name));
}

/**
 * Rewrites every MatMul–Softmax–MatMul attention core of `model` in place into com.microsoft
 * MultiHeadAttention; returns how many self- and cross-attention cores it rewrote. Cores it does
 * not recognise stay as they are (compare the counts with the model's attention count).
 */
export function fuseAttentionToMha(model: ModelProto): FusedAttention {
  if (!model.graph) throw new Error('The model has no graph.');
  const idx = new GraphIndex(model.graph);
  const rewrites: CoreRewrite[] = [];
  const taken = new Set<number>();
  for (const n of idx.nodes) {
    if (n.opType !== 'Softmax') continue;
    const r = matchSoftmaxCore(idx, n, rewrites.length);
    if (!r || r.region.some((i) => taken.has(i))) continue;
    for (const i of r.region) taken.add(i);
    rewrites.push(r);
  }
  const at = new Map(rewrites.map((r) => [r.at, r.mha]));
  const removedInputs = new Set<string>();
  const nodes: NodeProto[] = [];
  idx.nodes.forEach((n, i) => {
    if (at.has(i)) nodes.push(at.get(i)!);
    if (taken.has(i)) for (const x of n.input) removedInputs.add(x);
    else nodes.push(n);
  });
  model.graph.node = nodes;
  pruneDead(model, removedInputs);
  if (rewrites.length && !model.opsetImport.some((o) => o.domain === 'com.microsoft')) {
    model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: 'com.microsoft', version: 1n }));
  }
  const self = rewrites.filter((r) => r.self).length;
  return { self, cross: rewrites.length - self };
}
