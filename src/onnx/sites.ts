// Finding every self-attention (attn1) site of a Stable Diffusion U-Net in the export forms we
// know: torch2 (SDPA), torch1 (classic AttnProcessor) and ort-fused (packed QKV → com.microsoft
// MultiHeadAttention). A site is the subgraph from `n` (the norm1 output, attn1's input) to `o`
// (the tensor that feeds attn1's to_out projection): Q/K/V projections and the attention core.
import type { SaSite } from '../sa/schedule.ts';
import { GraphIndex } from './graph-index.ts';
import { DataType, type ModelProto, type NodeProto } from './proto.ts';
import { elementSize, externalRef, tensorElements, type LoadedModel } from './model-file.ts';

export type AttentionExportStyle = 'torch2' | 'torch1' | 'ort-fused';

/** The element types a site can carry: ONNX FLOAT (1) or FLOAT16 (10). */
export type SiteDataType = typeof DataType.FLOAT | typeof DataType.FLOAT16;

export class UnetStructureError extends Error {
  override name = 'UnetStructureError';
}

/** One Q/K/V projection weight: an initializer [C_in, C_out] as x·W, or a slice of a packed one. */
export interface ProjectionWeight {
  initializer: string;
  /** packed QKV [C, 3C] with columns interleaved per head (head, q|k|v, d): which of the three */
  packedIndex?: 0 | 1 | 2;
  bias?: string;
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

const SCOPE_RE = /^\/?(.*\/attn1)\/to_out\.0\/MatMul(?:_\d+)?$/;

function scopeToName(scope: string): string {
  return scope.replace(/^\//, '').replace(/\//g, '.');
}

/** in / mid / out and the resolution level from diffusers' module names. */
function sideAndLevel(name: string, downBlocks: number, upBlocks: number): { side: SaSite['side']; level: number } {
  let m = name.match(/(?:^|\.)down_blocks\.(\d+)\./);
  if (m) return { side: 'in', level: Number(m[1]) };
  if (/(?:^|\.)mid_block\./.test(name)) return { side: 'mid', level: downBlocks - 1 };
  m = name.match(/(?:^|\.)up_blocks\.(\d+)\./);
  if (m) return { side: 'out', level: upBlocks - 1 - Number(m[1]) };
  throw new UnetStructureError(`Self-attention ${name} is in no down_blocks/mid_block/up_blocks module: cannot tell its side and level.`);
}

/** The head count written in a region: MHA's num_heads, or the 3rd entry of a 4-D head-split Reshape shape. */
function headsInRegion(idx: GraphIndex, region: NodeProto[]): number | undefined {
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

function projection(idx: GraphIndex, mm: NodeProto): ProjectionWeight {
  const w = mm.input.find((x) => idx.initializers.has(x));
  if (!w) throw new UnetStructureError(`${mm.name}: the projection's weight is not an initializer (pattern: MatMul(n, W)).`);
  const add = (idx.consumers.get(mm.output[0]) ?? []).map((i) => idx.nodes[i]).find((n) => n.opType === 'Add' && n.input.some((x) => idx.initializers.has(x)));
  return { initializer: w, bias: add?.input.find((x) => idx.initializers.has(x)) };
}

/** Finds every attn1 site. Throws UnetStructureError naming what is missing or unrecognised. */
export function findAttnSites(model: ModelProto): AttnSite[] {
  if (!model.graph) throw new UnetStructureError('The model has no graph.');
  const idx = new GraphIndex(model.graph);
  const order = idx.topoOrder();
  const position = new Map(order.map((n, i) => [n, i]));
  const toOuts = idx.nodes.map((n, i) => ({ n, i, m: n.opType === 'MatMul' ? n.name.match(SCOPE_RE) : null })).filter((x) => x.m);
  if (!toOuts.length) {
    const mha = idx.nodes.filter((n) => n.opType === 'MultiHeadAttention').length;
    throw new UnetStructureError(
      `The U-Net has no self-attention (attn1) nodes: no node named …/attn1/to_out.0/MatMul${mha ? ` (found ${mha} MultiHeadAttention nodes without module names)` : ''}. Is this a Stable Diffusion U-Net?`,
    );
  }
  const names = idx.nodes.map((n) => n.name);
  const count = (re: RegExp) => new Set(names.flatMap((s) => s.match(re)?.[1] ?? [])).size;
  const downBlocks = count(/^\/down_blocks\.(\d+)\//);
  const upBlocks = count(/^\/up_blocks\.(\d+)\//);

  const sites = toOuts.map(({ n: toOut, m }) => {
    const scope = m![1];
    const name = scopeToName(scope);
    const output = toOut.input[0];
    const anc = idx.ancestors(output);
    // attn1's input: the tensor entering the region's projections = the norm1 output.
    const projections = [...anc].map((i) => idx.nodes[i]).filter((n) => n.opType === 'MatMul' && n.input.some((x) => idx.initializers.has(x)));
    const qkvMatMuls = projections.filter((n) => n.name.startsWith(`${scope.startsWith('/') ? scope : '/' + scope}/to_`) || /^MatMul_QKV/.test(n.name));
    const first = qkvMatMuls[0];
    if (!first) throw new UnetStructureError(`${name}: no Q/K/V projection MatMul found before ${toOut.name} (expected …/attn1/to_q/MatMul or a packed MatMul_QKV).`);
    const input = first.input.find((x) => !idx.initializers.has(x))!;
    const desc = idx.descendants(input);
    const region = [...anc].filter((i) => desc.has(i)).sort((a, b) => position.get(a)! - position.get(b)!);
    const regionNodes = region.map((i) => idx.nodes[i]);
    const style: AttentionExportStyle = regionNodes.some((n) => n.opType === 'MultiHeadAttention')
      ? 'ort-fused'
      : regionNodes.some((n) => n.opType === 'Sqrt')
        ? 'torch2'
        : 'torch1';
    let q: ProjectionWeight, k: ProjectionWeight, v: ProjectionWeight;
    let channels: number;
    const packed = qkvMatMuls.find((n) => /^MatMul_QKV/.test(n.name));
    if (packed) {
      const w = projection(idx, packed);
      [q, k, v] = ([0, 1, 2] as const).map((j) => ({ initializer: w.initializer, packedIndex: j }));
      const init = model.graph!.initializer.find((t) => t.name === w.initializer)!;
      channels = Number(init.dims[0]);
    } else {
      const byRole = (role: string) => {
        const mm = qkvMatMuls.find((n) => n.name.includes(`/attn1/to_${role}/MatMul`));
        if (!mm) throw new UnetStructureError(`${name}: no …/attn1/to_${role}/MatMul in the attention subgraph.`);
        return projection(idx, mm);
      };
      [q, k, v] = [byRole('q'), byRole('k'), byRole('v')];
      const init = model.graph!.initializer.find((t) => t.name === q.initializer)!;
      channels = Number(init.dims[1]);
    }
    const heads = headsInRegion(idx, regionNodes);
    if (!heads) throw new UnetStructureError(`${name}: could not read the number of heads (no MultiHeadAttention num_heads and no [b, s, heads, d] Reshape).`);
    const { side, level } = sideAndLevel(name, downBlocks, upBlocks);
    const dataType = idx.elemType(input);
    if (dataType !== DataType.FLOAT && dataType !== DataType.FLOAT16) {
      const found = dataType === undefined ? 'cannot be inferred' : `is ${DataType[dataType] ?? dataType}`;
      throw new UnetStructureError(`${name}: the element type of its input ${input} ${found}; self-attention sites must carry float32 or float16 tensors.`);
    }
    return {
      index: 0,
      name,
      side,
      level,
      channels,
      heads,
      headDim: channels / heads,
      style,
      input,
      dataType,
      output,
      q,
      k,
      v,
      regionNodes: regionNodes.map((n) => n.name),
      _pos: position.get(region[0])!,
    };
  });
  sites.sort((a, b) => a._pos - b._pos);
  return sites.map(({ _pos, ...s }, index) => {
    void _pos;
    return { ...s, index };
  });
}

/** Float elements of one projection weight as [C_in, C_out] row-major, fp32 or raw fp16 bits. */
export function projectionWeight(loaded: LoadedModel, site: AttnSite, w: ProjectionWeight): Float32Array | Uint16Array {
  const t = loaded.initializers.get(w.initializer)!;
  const bytes = loaded.initializerBytes(w.initializer);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const all = t.dataType === DataType.FLOAT16 ? new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2) : new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  if (w.packedIndex === undefined) return all;
  const C = site.channels;
  const d = site.headDim;
  const out = t.dataType === DataType.FLOAT16 ? new Uint16Array(C * C) : new Float32Array(C * C);
  for (let i = 0; i < C; i++)
    for (let h = 0; h < site.heads; h++) {
      const src = i * 3 * C + (h * 3 + w.packedIndex) * d;
      out.set(all.subarray(src, src + d), i * C + h * d);
    }
  return out;
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
