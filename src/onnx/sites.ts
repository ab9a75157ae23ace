// Finding every self-attention (attn1) site of a Stable Diffusion U-Net by structure, in the export
// forms we know (AttentionExportStyle): an attention core — a Softmax between Q·Kᵀ and ·V (torch
// exports), com.microsoft Attention, or MultiHeadAttention — whose Q, K and V are projections of one
// tensor `n` (cross-attention projects K/V from the text context and is skipped). A site is the
// subgraph from `n` (the norm1 output, attn1's input) to `o` (the tensor that feeds attn1's to_out
// projection). Module names (diffusers' `…/attn1/to_out.0/MatMul`) name the site and give its side
// and level where present; generic or missing names fall back to the graph's own shape.
import type { SaSite } from '../sa/schedule.ts';
import { GraphIndex } from './graph-index.ts';
import { DataType, type ModelProto, type NodeProto } from './proto.ts';
import { elementSize, externalRef, tensorElements, type LoadedModel } from './model-file.ts';

/**
 * How attn1 is written: torch 2 SDPA export, the classic AttnProcessor (torch1), ORT's optimizer with
 * packed QKV MultiHeadAttention (ort-fused), its 2023 form com.microsoft Attention with a [C, 3C]
 * weight (ort-attention), or MultiHeadAttention fed by separate Q/K/V projections (ort-mha).
 */
export type AttentionExportStyle = 'torch2' | 'torch1' | 'ort-fused' | 'ort-attention' | 'ort-mha';

/** The element types a site can carry: ONNX FLOAT (1) or FLOAT16 (10). */
export type SiteDataType = typeof DataType.FLOAT | typeof DataType.FLOAT16;

export class UnetStructureError extends Error {
  override name = 'UnetStructureError';
}

/** One Q/K/V projection weight: an initializer [C_in, C_out] as x·W, or a third of a packed one. */
export interface ProjectionWeight {
  initializer: string;
  /**
   * A packed [C, 3C] weight: which third, and how it is packed — 'per-head' columns (head, q|k|v, d)
   * as ORT's MatMul_QKV, or 'blocks' [Wq | Wk | Wv] as com.microsoft Attention.
   */
  packed?: { index: 0 | 1 | 2; layout: 'per-head' | 'blocks' };
  /** bias initializer: [C], or [3C] = [bq | bk | bv] when biasIndex is set */
  bias?: string;
  biasIndex?: 0 | 1 | 2;
}

export interface AttnSite extends SaSite {
  /** 0-based, in graph (execution) order */
  index: number;
  heads: number;
  headDim: number;
  style: AttentionExportStyle;
  /** attn1's input `n` [B, N, C] (norm1 output) */
  input: string;
  /**
   * The element type of `n` and `o` — the tensors that cross the site (FLOAT or FLOAT16). It is
   * the site's storage type, whatever the graph's inputs are (fp16 bodies behind fp32 edges).
   */
  dataType: SiteDataType;
  /** the tensor feeding to_out [B, N, C] */
  output: string;
  q: ProjectionWeight;
  k: ProjectionWeight;
  v: ProjectionWeight;
  /** names of the nodes our kernels replace */
  regionNodes: string[];
}

const SCOPE_RE = /^\/?(.*\/attn1)\/(?:to_out\.0|to_q|to_k|to_v)\/MatMul(?:_\d+)?$/;

function scopeToName(scope: string): string {
  return scope.replace(/^\//, '').replace(/\//g, '.');
}

/** in / mid / out and the resolution level from diffusers' module names. */
function sideAndLevel(name: string, downBlocks: number, upBlocks: number): { side: SaSite['side']; level: number } | undefined {
  let m = name.match(/(?:^|\.)down_blocks\.(\d+)\./);
  if (m) return { side: 'in', level: Number(m[1]) };
  if (/(?:^|\.)mid_block\./.test(name)) return { side: 'mid', level: downBlocks - 1 };
  m = name.match(/(?:^|\.)up_blocks\.(\d+)\./);
  if (m) return { side: 'out', level: upBlocks - 1 - Number(m[1]) };
  return undefined;
}

/** The head count written in a region: num_heads of a fused op, or the 3rd entry of a 4-D head-split Reshape shape. */
export function headsInRegion(idx: GraphIndex, region: NodeProto[]): number | undefined {
  for (const n of region) {
    if (n.opType === 'MultiHeadAttention' || n.opType === 'Attention') {
      const a = n.attribute.find((x) => x.name === 'num_heads');
      if (a) return Number(a.i);
    }
  }
  for (const n of region) {
    if (n.opType !== 'Reshape') continue;
    const shape = n.input[1];
    const direct = idx.constInts(shape);
    if (direct?.length === 4 && direct[2] > 0) return direct[2];
    const p = idx.producer.get(shape);
    if (p === undefined || idx.nodes[p].opType !== 'Concat' || idx.nodes[p].input.length !== 4) continue;
    const h = idx.constInts(idx.nodes[p].input[2]);
    if (h?.length === 1 && h[0] > 0) return h[0];
  }
  return undefined;
}

const isFloat = (idx: GraphIndex, t: string) => {
  const ty = idx.elemType(t);
  return ty === DataType.FLOAT || ty === DataType.FLOAT16;
};

/** A projection x·W (+ b): the MatMul whose second input is an initializer, and the Add of a bias initializer after it. */
export interface Projection {
  matmul: NodeProto;
  x: string;
  weight: ProjectionWeight;
}

export function projectionAt(idx: GraphIndex, mm: NodeProto): Projection | undefined {
  if (mm.opType !== 'MatMul' || !idx.initializers.has(mm.input[1]) || idx.initializers.has(mm.input[0])) return undefined;
  const add = (idx.consumers.get(mm.output[0]) ?? []).map((i) => idx.nodes[i]).find((n) => n.opType === 'Add' && n.input.some((x) => idx.initializers.has(x)));
  return { matmul: mm, x: mm.input[0], weight: { initializer: mm.input[1], bias: add?.input.find((x) => idx.initializers.has(x)) } };
}

/**
 * The projections a tensor is computed from inside one attention: walks back over float tensors and
 * stops at each MatMul with an initializer weight (shape subgraphs, being int64, are not followed).
 */
export function projectionsBehind(idx: GraphIndex, t: string, limit = 40): Projection[] {
  const found = new Map<NodeProto, Projection>();
  const seen = new Set<string>();
  const stack = [t];
  while (stack.length && seen.size < limit) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    const p = idx.producer.get(cur);
    if (p === undefined) continue;
    const n = idx.nodes[p];
    const proj = projectionAt(idx, n);
    if (proj) {
      found.set(n, proj);
      continue;
    }
    for (const x of n.input) if (x && !idx.initializers.has(x) && isFloat(idx, x)) stack.push(x);
  }
  return [...found.values()];
}

interface CoreMatch {
  style: AttentionExportStyle;
  n: string;
  q: ProjectionWeight;
  k: ProjectionWeight;
  v: ProjectionWeight;
  channels: number;
  /** the node whose output leads to to_out */
  last: NodeProto;
  /** the projection MatMul nodes (for naming) */
  named: NodeProto[];
}

const dims = (model: ModelProto, name: string) => model.graph!.initializer.find((t) => t.name === name)!.dims.map(Number);

/** The score MatMul q·kᵀ under a Softmax input: back through Mul/Div/Add/Cast (scale, mask) to a MatMul of two activations. */
export function scoreMatMul(idx: GraphIndex, t: string): NodeProto | undefined {
  for (let cur = t, steps = 0; steps < 6; steps++) {
    const p = idx.producer.get(cur);
    if (p === undefined) return undefined;
    const n = idx.nodes[p];
    if (n.opType === 'MatMul') return n.input.some((x) => idx.initializers.has(x)) ? undefined : n;
    if (!['Mul', 'Div', 'Add', 'Cast'].includes(n.opType)) return undefined;
    const next = n.input.find((x) => x && !idx.initializers.has(x) && isFloat(idx, x) && idx.producer.has(x) && idx.nodes[idx.producer.get(x)!].opType !== 'Constant');
    if (!next) return undefined;
    cur = next;
  }
  return undefined;
}

/** A self-attention core (Softmax of a torch export, or an ORT fused op) with its Q/K/V projections; undefined for cross-attention and anything else. */
function matchCore(idx: GraphIndex, model: ModelProto, core: NodeProto): CoreMatch | undefined {
  if (core.opType === 'Attention' && core.domain === 'com.microsoft') {
    const [n, w, b] = core.input;
    if (!idx.initializers.has(w)) return undefined;
    const C = dims(model, w)[0];
    const third = (index: 0 | 1 | 2): ProjectionWeight => ({ initializer: w, packed: { index, layout: 'blocks' }, ...(b && idx.initializers.has(b) ? { bias: b, biasIndex: index } : {}) });
    return { style: 'ort-attention', n, q: third(0), k: third(1), v: third(2), channels: C, last: core, named: [] };
  }
  if (core.opType === 'MultiHeadAttention') {
    if (core.input.length === 1 || !core.input[1]) {
      // packed QKV: Reshape(MatMul_QKV(n, W[C, 3C] per head), [0, 0, heads, 3, d])
      const r = idx.producer.get(core.input[0]);
      const reshape = r === undefined ? undefined : idx.nodes[r];
      const mm = reshape?.opType === 'Reshape' ? idx.producer.get(reshape.input[0]) : undefined;
      const proj = mm === undefined ? undefined : projectionAt(idx, idx.nodes[mm]);
      if (!proj) return undefined;
      const third = (index: 0 | 1 | 2): ProjectionWeight => ({ initializer: proj.weight.initializer, packed: { index, layout: 'per-head' } });
      return { style: 'ort-fused', n: proj.x, q: third(0), k: third(1), v: third(2), channels: dims(model, proj.weight.initializer)[0], last: core, named: [proj.matmul] };
    }
    if (core.input.length < 3 || !core.input[2]) return undefined; // packed KV: cross-attention
    const [pq, pk, pv] = core.input.slice(0, 3).map((t) => projectionsBehind(idx, t, 3));
    if (pq.length !== 1 || pk.length !== 1 || pv.length !== 1) return undefined;
    if (!(pq[0].x === pk[0].x && pk[0].x === pv[0].x)) return undefined;
    const bias = core.input[3] && idx.initializers.has(core.input[3]) ? core.input[3] : undefined;
    const withBias = (p: Projection, index: 0 | 1 | 2): ProjectionWeight => (bias && !p.weight.bias ? { ...p.weight, bias, biasIndex: index } : p.weight);
    return { style: 'ort-mha', n: pq[0].x, q: withBias(pq[0], 0), k: withBias(pk[0], 1), v: withBias(pv[0], 2), channels: dims(model, pq[0].weight.initializer)[1], last: core, named: [pq[0].matmul, pk[0].matmul, pv[0].matmul] };
  }
  if (core.opType === 'Softmax') {
    const qk = projectionsBehind(idx, core.input[0]);
    const pvNode = (idx.consumers.get(core.output[0]) ?? []).map((i) => idx.nodes[i]).find((n) => n.opType === 'MatMul');
    if (qk.length !== 2 || !pvNode) return undefined;
    const vs = projectionsBehind(idx, pvNode.input[1]);
    if (vs.length !== 1) return undefined;
    const x = vs[0].x;
    if (qk.some((p) => p.x !== x)) return undefined; // cross-attention: K/V from the context
    // Q is the projection that flows into the score MatMul's first operand
    const scoreMm = scoreMatMul(idx, core.input[0]);
    const qFirst = scoreMm ? projectionsBehind(idx, scoreMm.input[0]) : [];
    if (qFirst.length !== 1) return undefined;
    const q = qk.find((p) => p.matmul === qFirst[0].matmul);
    const k = qk.find((p) => p !== q);
    if (!q || !k) return undefined;
    // torch 2's SDPA scales both operands by √(1/√d) (a Sqrt on the way); the classic processor scales the scores
    const style: AttentionExportStyle = idx.producer.get(scoreMm!.input[0]) !== undefined && idx.nodes[idx.producer.get(scoreMm!.input[0])!].opType === 'Mul' ? 'torch2' : 'torch1';
    return { style, n: x, q: q.weight, k: k.weight, v: vs[0].weight, channels: dims(model, q.weight.initializer)[1], last: pvNode, named: [q.matmul, k.matmul, vs[0].matmul] };
  }
  return undefined;
}

/** to_out: the first MatMul with an initializer weight after the core; `o` is its other input. */
export function toOutAfter(idx: GraphIndex, last: NodeProto): NodeProto | undefined {
  const queue = [...last.output];
  const seen = new Set<string>();
  while (queue.length && seen.size < 12) {
    const t = queue.shift()!;
    if (seen.has(t)) continue;
    seen.add(t);
    for (const i of idx.consumers.get(t) ?? []) {
      const n = idx.nodes[i];
      if (projectionAt(idx, n)) return n;
      if (['Reshape', 'Transpose', 'Cast', 'Identity'].includes(n.opType)) queue.push(...n.output);
    }
  }
  return undefined;
}

/**
 * The site's side and level from the graph when names do not say: level = stride-2 convolutions
 * before it − ×2 upsamplers before it; 'out' after a skip Concat (a float Concat on axis 1: the
 * up blocks' first resnet input — SDXL's up_blocks.0 has attention before its first upsampler),
 * else 'in' — and `atDeepest` marks a site at the deepest level before any skip Concat, whose side
 * (in or mid) findAttnSites settles from all such sites (SD 1.x/2.x have none in the deepest down
 * block; SDXL's down_blocks.2 has).
 * `convs` = Conv nodes before it: equal for the transformer blocks of one Transformer2DModel (no
 * conv between them), larger for a later module (a resnet lies between).
 */
function structuralPlace(idx: GraphIndex, n: string, deepest: number): { side: SaSite['side']; level: number; atDeepest: boolean; convs: number } {
  let downs = 0;
  let ups = 0;
  let convs = 0;
  let skip = false;
  for (const i of idx.ancestors(n)) {
    const node = idx.nodes[i];
    const isConv = node.opType === 'Conv' || node.opType === 'NhwcConv';
    if (isConv) convs++;
    if (isConv && node.attribute.find((a) => a.name === 'strides')?.ints.some((x) => Number(x) === 2)) downs++;
    if (node.opType === 'Resize' || node.opType === 'Upsample') ups++;
    if (node.opType === 'Concat' && Number(node.attribute.find((a) => a.name === 'axis')?.i) === 1 && isFloat(idx, node.output[0])) skip = true;
  }
  const level = downs - ups;
  const out = ups > 0 || skip;
  return { side: out ? 'out' : 'in', level, atDeepest: !out && level === deepest, convs };
}

/**
 * Sides of unnamed sites at the deepest level before the up blocks: the mid block is the LAST
 * Transformer2DModel there (most convs before it); any earlier ones are the deepest down block's
 * (SDXL: down_blocks.2's 20 sites, then the mid block's 10; SD 1.x/2.x: the mid block only).
 */
function settleDeepest<T extends { side: SaSite['side']; atDeepest?: boolean; convs?: number }>(sites: T[]): void {
  const deep = sites.filter((s) => s.atDeepest);
  const last = Math.max(...deep.map((s) => s.convs!));
  for (const s of deep) s.side = s.convs === last ? 'mid' : 'in';
}

/** Finds every attn1 site. Throws UnetStructureError naming what is missing or unrecognised. */
export function findAttnSites(model: ModelProto): AttnSite[] {
  if (!model.graph) throw new UnetStructureError('The model has no graph.');
  const idx = new GraphIndex(model.graph);
  const order = idx.topoOrder();
  const position = new Map(order.map((n, i) => [n, i]));
  const cores = idx.nodes.filter((n) => n.opType === 'Softmax' || n.opType === 'MultiHeadAttention' || (n.opType === 'Attention' && n.domain === 'com.microsoft'));
  const matches = cores.flatMap((c) => {
    const m = matchCore(idx, model, c);
    const toOut = m && toOutAfter(idx, m.last);
    return m && toOut ? [{ ...m, toOut, output: toOut.input[0] }] : [];
  });
  if (!matches.length) {
    const fused = idx.nodes.filter((n) => n.opType === 'MultiHeadAttention' || n.opType === 'Attention').length;
    throw new UnetStructureError(
      `The U-Net has no self-attention (attn1) nodes that we recognise: no attention core fed by Q/K/V projections of one tensor${fused ? ` (found ${fused} fused attention nodes)` : ''}. Is this a Stable Diffusion U-Net?`,
    );
  }
  const names = idx.nodes.map((n) => n.name);
  const count = (re: RegExp) => new Set(names.flatMap((s) => s.match(re)?.[1] ?? [])).size;
  const downBlocks = count(/^\/down_blocks\.(\d+)\//);
  const upBlocks = count(/^\/up_blocks\.(\d+)\//);
  const deepest = idx.nodes.filter((n) => (n.opType === 'Conv' || n.opType === 'NhwcConv') && n.attribute.find((a) => a.name === 'strides')?.ints.some((x) => Number(x) === 2)).length;

  const sites = matches.map((m) => {
    const desc = idx.descendants(m.n);
    const anc = idx.ancestors(m.output);
    const region = [...anc].filter((i) => desc.has(i)).sort((a, b) => position.get(a)! - position.get(b)!);
    const regionNodes = region.map((i) => idx.nodes[i]);
    const scope = [m.toOut, ...m.named].map((n) => n.name.match(SCOPE_RE)?.[1]).find(Boolean);
    const named = scope ? scopeToName(scope) : undefined;
    const place: { side: SaSite['side']; level: number; atDeepest?: boolean; convs?: number } = (named && sideAndLevel(named, downBlocks, upBlocks)) || structuralPlace(idx, m.n, deepest);
    const heads = headsInRegion(idx, regionNodes);
    const label = named ?? `attn1@${m.toOut.name || m.output}`;
    if (!heads) throw new UnetStructureError(`${label}: could not read the number of heads (no num_heads attribute and no [b, s, heads, d] Reshape).`);
    const dataType = idx.elemType(m.n);
    if (dataType !== DataType.FLOAT && dataType !== DataType.FLOAT16) {
      const found = dataType === undefined ? 'cannot be inferred' : `is ${DataType[dataType] ?? dataType}`;
      throw new UnetStructureError(`${label}: the element type of its input ${m.n} ${found}; self-attention sites must carry float32 or float16 tensors.`);
    }
    return {
      index: 0,
      name: named ?? '',
      ...place,
      channels: m.channels,
      heads,
      headDim: m.channels / heads,
      style: m.style,
      input: m.n,
      dataType,
      output: m.output,
      q: m.q,
      k: m.k,
      v: m.v,
      regionNodes: regionNodes.map((n) => n.name),
      _pos: position.get(region[0] ?? idx.producer.get(m.output)!)!,
    };
  });
  settleDeepest(sites);
  sites.sort((a, b) => a._pos - b._pos);
  // sites without module names are named by side, level and order (e.g. in.L0.1)
  const seen = new Map<string, number>();
  return sites.map(({ _pos, atDeepest, convs, ...s }, index) => {
    void _pos;
    void atDeepest;
    void convs;
    if (!s.name) {
      const key = `${s.side}.L${s.level}`;
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      s.name = `attn1.${key}.${k}`;
    }
    return { ...s, index };
  });
}

/** Float elements of one projection weight as [C_in, C_out] row-major, fp32 or raw fp16 bits. */
export function projectionWeight(loaded: LoadedModel, site: AttnSite, w: ProjectionWeight): Float32Array | Uint16Array {
  const all = floatValues(loaded, w.initializer);
  if (!w.packed) return all;
  const C = site.channels;
  const d = site.headDim;
  const out = all instanceof Uint16Array ? new Uint16Array(C * C) : new Float32Array(C * C);
  const { index, layout } = w.packed;
  for (let i = 0; i < C; i++) {
    if (layout === 'blocks') {
      out.set(all.subarray(i * 3 * C + index * C, i * 3 * C + (index + 1) * C), i * C);
      continue;
    }
    for (let h = 0; h < site.heads; h++) {
      const src = i * 3 * C + (h * 3 + index) * d;
      out.set(all.subarray(src, src + d), i * C + h * d);
    }
  }
  return out;
}

/** A projection's bias [C] (fp32 or raw fp16 bits), or undefined when it has none. */
export function projectionBias(loaded: LoadedModel, site: AttnSite, w: ProjectionWeight): Float32Array | Uint16Array | undefined {
  if (!w.bias) return undefined;
  const all = floatValues(loaded, w.bias);
  if (w.biasIndex === undefined) return all;
  const C = site.channels;
  return all.slice(w.biasIndex * C, (w.biasIndex + 1) * C);
}

function floatValues(loaded: LoadedModel, name: string): Float32Array | Uint16Array {
  const t = loaded.initializers.get(name)!;
  const bytes = loaded.initializerBytes(name);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (t.dataType === DataType.FLOAT16) return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  if (t.dataType === DataType.FLOAT) return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  throw new UnetStructureError(`Projection initializer ${name} is ${DataType[t.dataType] ?? t.dataType}; float32 or float16 expected.`);
}

/** Where a projection's bytes are: the model file or its external blob (unpacked weights only). */
export function projectionByteRange(loaded: LoadedModel, modelBytes: Uint8Array, w: ProjectionWeight): { location: string; offset: number; length: number } {
  const t = loaded.initializers.get(w.initializer)!;
  const ext = externalRef(t);
  if (ext) return ext;
  const raw = t.rawData;
  if (raw.buffer !== modelBytes.buffer) throw new UnetStructureError(`${w.initializer} is not stored in the model file's bytes.`);
  return { location: '<model>', offset: raw.byteOffset - modelBytes.byteOffset, length: tensorElements(t) * elementSize(t.dataType) };
}
