// Graph surgery: cut a Stable Diffusion U-Net at every self-attention (attn1) site into ONNX
// segments that onnxruntime runs between our site kernels. Run order:
//   segment 0 → site 0 → segment 1 → site 1 → … → site S−1 → segment S
// Segment j holds every remaining node whose latest dependency is site j−1's output (segment 0:
// none). Q/K/V projections and the attention core of each site are cut out (they must act on
// pooled tokens, SPEC_SA §1); to_out stays in ORT. No weight is copied: segment initializers are
// EXTERNAL references into the original model bytes (or the original external blob).
import { create, GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProtoSchema, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema, TypeProtoSchema, TypeProto_TensorSchema, ValueInfoProtoSchema, type ModelProto, type NodeProto, type TensorProto } from './proto.ts';
import { DataType } from './proto.ts';
import { GraphIndex, isFloatType } from './graph-index.ts';
import { externalRef, readModel, setExternal, writeModel, type ExternalBlob, type LoadedModel } from './model-file.ts';
import { findAttnSites, UnetStructureError, type AttnSite } from './sites.ts';
import { unpackPackedMha } from './unpack-mha.ts';
import { unfuseBiasSplitGelu } from './ort-forms.ts';

/** The name under which segments mount the original model file's bytes as external data. */
export const ORIGINAL_MODEL_LOCATION = 'unet_original.onnx';

export interface SegmentTensor {
  name: string;
  dataType: DataType;
}

export interface UnetSegment {
  index: number;
  /** encoded ONNX sub-model; mount `SplitUnet.externalData` when creating its session */
  model: Uint8Array;
  inputs: SegmentTensor[];
  outputs: SegmentTensor[];
  nodeCount: number;
}

export interface SplitUnet {
  sites: AttnSite[];
  /** sites.length + 1 segments */
  segments: UnetSegment[];
  externalData: ExternalBlob[];
  graphInputs: SegmentTensor[];
  graphOutputs: string[];
  /** tensor → the last step that reads it: 2·j for segment j, 2·k+1 for site k (for freeing buffers) */
  lastUse: Map<string, number>;
  loaded: LoadedModel;
}

export interface SplitOptions {
  /** external blobs the model refers to (e.g. unet/weights.pb) */
  externalData?: ExternalBlob[];
  /** initializers smaller than this stay inline in the segments (copied; default 1 KiB) */
  inlineBelowBytes?: number;
  /** `modelBytes` already decoded (views of them), to skip a second decode */
  decoded?: ModelProto;
}

/** Type and, where inferable, rank (dims of unknown size): ORT's shape inference needs ranks of e.g. Resize sizes. */
function valueInfo(name: string, dataType: DataType, rank: number | undefined, length1d?: number) {
  const dim = (i: number) => create(TensorShapeProto_DimensionSchema, rank === 1 && length1d !== undefined && i === 0 ? { value: { case: 'dimValue', value: BigInt(length1d) } } : {});
  const shape = rank === undefined ? undefined : create(TensorShapeProtoSchema, { dim: Array.from({ length: rank }, (_, i) => dim(i)) });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: dataType, shape }) } }),
  });
}

/** Removes nodes none of whose outputs are used (iteratively); `keep` are tensors needed outside. */
function deadCodeElimination(nodes: NodeProto[], keep: Set<string>): NodeProto[] {
  let live = nodes;
  for (;;) {
    const used = new Set<string>(keep);
    for (const n of live) for (const x of n.input) if (x) used.add(x);
    const next = live.filter((n) => n.output.some((o) => o && used.has(o)));
    if (next.length === live.length) return live;
    live = next;
  }
}

function segmentInitializer(t: TensorProto, loaded: LoadedModel, bytes: Uint8Array, inlineBelow: number): TensorProto {
  const copy = create(TensorProtoSchema, { ...t });
  if (externalRef(t)) return copy; // already points into the original external blob
  const raw = t.rawData;
  if (raw.byteLength >= inlineBelow && raw.buffer === bytes.buffer) {
    setExternal(copy, { location: ORIGINAL_MODEL_LOCATION, offset: raw.byteOffset - bytes.byteOffset, length: raw.byteLength });
  } else if (!raw.byteLength) {
    copy.rawData = loaded.initializerBytes(t.name) as Uint8Array<ArrayBuffer>;
  }
  return copy;
}

/** Cuts `modelBytes` (an SD U-Net) into segments around its attn1 sites. */
export function splitUnet(modelBytes: Uint8Array, opts: SplitOptions = {}): SplitUnet {
  const loaded = readModel(modelBytes, opts.externalData, opts.decoded);
  const model = loaded.model;
  const sites = findAttnSites(model);
  const idx = new GraphIndex(model.graph!);
  const nodeIndex = new Map(idx.nodes.map((n, i) => [n, i]));
  const byName = new Map(idx.nodes.map((n, i) => [n.name, i]));

  // Remove each site's region; `o` becomes an input fed by our kernels.
  const cut = new Set<number>();
  const siteOf = new Map<string, number>(); // o tensor → site index
  for (const s of sites) {
    const region = new Set(s.regionNodes.map((name) => byName.get(name)!));
    for (const i of region) {
      const leaks = idx.nodes[i].output.some((o) => o !== s.output && (idx.consumers.get(o) ?? []).some((c) => !region.has(c)));
      if (!leaks) cut.add(i);
    }
    siteOf.set(s.output, s.index);
  }
  const graphOutputs = [...idx.outputs];
  const siteInputs = new Set(sites.map((s) => s.input));
  const remaining = deadCodeElimination(
    idx.nodes.filter((_, i) => !cut.has(i)),
    new Set([...graphOutputs, ...siteInputs]),
  );

  // dep(tensor): 0 for graph inputs and constants, k+1 for site k's output, else max over producers.
  const dep = new Map<string, number>();
  for (const [o, k] of siteOf) dep.set(o, k + 1);
  const remainingSet = new Set(remaining);
  const order = idx.topoOrder().map((i) => idx.nodes[i]).filter((n) => remainingSet.has(n));
  const segOf = new Map<NodeProto, number>();
  for (const n of order) {
    const d = Math.max(0, ...n.input.filter(Boolean).map((x) => dep.get(x) ?? 0));
    segOf.set(n, d);
    for (const o of n.output) if (o) dep.set(o, d);
  }
  for (const s of sites) {
    const d = dep.get(s.input) ?? 0;
    if (d > s.index) throw new UnetStructureError(`${s.name}: its input depends on a later self-attention site; the U-Net's order is not supported.`);
  }

  // Constant nodes are cheap: copy them into each segment that reads them instead of passing them on.
  const isConst = (n: NodeProto) => n.opType === 'Constant';
  const S = sites.length;
  const segNodes: NodeProto[][] = Array.from({ length: S + 1 }, () => []);
  for (const n of order) if (!isConst(n)) segNodes[segOf.get(n)!].push(n);
  const constByOutput = new Map(order.filter(isConst).map((n) => [n.output[0], n]));
  for (const nodes of segNodes) {
    const needed = new Set(nodes.flatMap((n) => n.input).filter((x) => constByOutput.has(x)));
    nodes.unshift(...[...needed].map((x) => constByOutput.get(x)!));
    nodes.sort((a, b) => nodeIndex.get(a)! - nodeIndex.get(b)!);
  }

  // Where each tensor is produced (segment) and read (segments, sites, graph outputs).
  const producedIn = new Map<string, number>();
  segNodes.forEach((nodes, j) => nodes.forEach((n) => !isConst(n) && n.output.forEach((o) => o && producedIn.set(o, j))));
  const lastUse = new Map<string, number>();
  const markRead = (t: string, step: number) => lastUse.set(t, Math.max(lastUse.get(t) ?? -1, step));
  /** per segment: the tensors it reads that another segment, a site or the caller produces */
  const readers: Set<string>[] = segNodes.map(() => new Set());
  segNodes.forEach((nodes, j) =>
    nodes.forEach((n) =>
      n.input.forEach((x) => {
        if (!x || idx.initializers.has(x) || constByOutput.has(x)) return;
        markRead(x, 2 * j);
        const p = producedIn.get(x);
        if (p !== j) readers[j].add(x);
      }),
    ),
  );
  for (const s of sites) markRead(s.input, 2 * s.index + 1);
  for (const o of graphOutputs) markRead(o, 2 * S + 1);

  const typeOf = (t: string): DataType => {
    const ty = idx.elemType(t);
    if (ty === undefined) throw new UnetStructureError(`Cannot infer the element type of ${t}, which crosses a segment boundary.`);
    return ty;
  };
  const inlineBelow = opts.inlineBelowBytes ?? 1024;
  const externalData: ExternalBlob[] = [{ path: ORIGINAL_MODEL_LOCATION, data: modelBytes }, ...(opts.externalData ?? [])];
  const initByName = new Map(model.graph!.initializer.map((t) => [t.name, t]));

  const segments: UnetSegment[] = segNodes.map((nodes, j) => {
    const produced = new Set(nodes.flatMap((n) => n.output));
    const inputs = [...readers[j]].map((name) => ({ name, dataType: typeOf(name) }));
    const outputs = [...produced]
      .filter((t) => t && (lastUse.get(t) ?? -1) > 2 * j && producedIn.get(t) === j)
      .map((name) => ({ name, dataType: typeOf(name) }));
    const inits = [...new Set(nodes.flatMap((n) => n.input).filter((x) => initByName.has(x)))].map((name) =>
      segmentInitializer(initByName.get(name)!, loaded, modelBytes, inlineBelow),
    );
    const sub: ModelProto = create(ModelProtoSchema, {
      irVersion: model.irVersion,
      producerName: 'slothful-surgery',
      opsetImport: model.opsetImport,
      graph: create(GraphProtoSchema, {
        name: `unet_segment_${j}`,
        node: nodes.map((n) => create(NodeProtoSchema, { ...n, input: [...n.input] })),
        initializer: inits,
        input: inputs.map((t) => valueInfo(t.name, t.dataType, idx.rank(t.name), idx.constLength(t.name))),
        output: outputs.map((t) => valueInfo(t.name, t.dataType, idx.rank(t.name), idx.constLength(t.name))),
      }),
    });
    // ORT's packed-KV MultiHeadAttention (attn2 of ort-fused exports) runs on neither the CPU nor
    // the WebGPU EP in onnxruntime 1.30: rewrite it into separate Q/K/V inputs. BiasSplitGelu has no
    // CPU kernel and no working fp16 WebGPU shader: rewrite it into Add, Slices, Gelu and Mul.
    unpackPackedMha(sub);
    unfuseBiasSplitGelu(sub);
    return { index: j, model: writeModel(sub), inputs, outputs, nodeCount: nodes.length };
  });

  const graphInputs = [...idx.inputs].map((name) => ({ name, dataType: typeOf(name) }));
  return { sites, segments, externalData, graphInputs, graphOutputs, lastUse, loaded };
}

/** Float tensors cross segments on the GPU; shape/index tensors (int64, bool) stay on the CPU. */
export function crossesOnGpu(t: SegmentTensor): boolean {
  return isFloatType(t.dataType);
}
