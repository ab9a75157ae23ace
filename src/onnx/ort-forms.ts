// Rewrites that give a torch-form graph the op forms onnxruntime's transformers optimizer writes
// (fusion_gelu.py, fusion_quickgelu.py, fusion_bias_split_gelu.py), for the replicas of public
// exports (src/models/replicas.ts): com.microsoft Gelu, QuickGelu and BiasSplitGelu nodes named as
// the optimizer names them (`<Op>_<n>` in creation order). Each returns how many it fused.
import { attribute, i64Tensor } from './builder.ts';
import { GraphIndex } from './graph-index.ts';
import { create, NodeProtoSchema, OperatorSetIdProtoSchema, type ModelProto, type NodeProto } from './proto.ts';

const contrib = (opType: string, name: string, input: string[], output: string[], attrs: NodeProto['attribute'] = []) =>
  create(NodeProtoSchema, { opType, name, input, output, domain: 'com.microsoft', attribute: attrs });

/** Scalar float value of a Constant node's or initializer's tensor, if it is one. */
function scalarOf(idx: GraphIndex, model: ModelProto, t: string): number | undefined {
  const init = model.graph!.initializer.find((x) => x.name === t);
  const p = idx.producer.get(t);
  const tensor = init ?? (p !== undefined && idx.nodes[p].opType === 'Constant' ? idx.nodes[p].attribute.find((a) => a.name === 'value')?.t : undefined);
  if (!tensor) return undefined;
  if (tensor.floatData.length === 1) return tensor.floatData[0];
  const raw = tensor.rawData;
  if (tensor.dataType === 1 && raw.byteLength === 4) return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
  if (tensor.dataType === 10 && raw.byteLength === 2) {
    const h = new DataView(raw.buffer, raw.byteOffset, 2).getUint16(0, true);
    const e = (h >> 10) & 31;
    const m = h & 1023;
    const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
    return h & 0x8000 ? -v : v;
  }
  return undefined;
}

const near = (a: number | undefined, b: number, tol = 1e-3) => a !== undefined && Math.abs(a - b) <= tol * Math.abs(b);

function only(idx: GraphIndex, t: string): NodeProto | undefined {
  const c = idx.consumers.get(t) ?? [];
  return c.length === 1 ? idx.nodes[c[0]] : undefined;
}

/** Drops nodes whose outputs nothing reads (after a fusion left shape or constant nodes behind). */
export function removeDeadNodes(model: ModelProto): void {
  const g = model.graph!;
  const keep = new Set(g.output.map((o) => o.name));
  for (;;) {
    const used = new Set(keep);
    for (const n of g.node) for (const x of n.input) if (x) used.add(x);
    const next = g.node.filter((n) => n.output.some((o) => o && used.has(o)));
    if (next.length === g.node.length) break;
    g.node = next;
  }
  const read = new Set(g.node.flatMap((n) => n.input));
  g.initializer = g.initializer.filter((t) => read.has(t.name) || keep.has(t.name));
}

/** Replaces `remove` by `add` at the position of the first removed node. */
function replace(model: ModelProto, remove: Set<NodeProto>, add: NodeProto[]): void {
  const out: NodeProto[] = [];
  let placed = false;
  for (const n of model.graph!.node) {
    if (!remove.has(n)) out.push(n);
    else if (!placed) {
      out.push(...add);
      placed = true;
    }
  }
  model.graph!.node = out;
}

/** x·0.5·(1 + erf(x/√2)) — Div(√2) → Erf → Add(1) → Mul(x) → Mul(0.5) — into com.microsoft Gelu. */
export function fuseGelu(model: ModelProto): number {
  let count = 0;
  for (;;) {
    const idx = new GraphIndex(model.graph!);
    const hit = idx.nodes.find((div) => {
      if (div.opType !== 'Div' || !near(scalarOf(idx, model, div.input[1]), Math.SQRT2)) return false;
      const erf = only(idx, div.output[0]);
      const add = erf?.opType === 'Erf' ? only(idx, erf.output[0]) : undefined;
      const mul = add?.opType === 'Add' && add.input.some((x) => near(scalarOf(idx, model, x), 1)) ? only(idx, add.output[0]) : undefined;
      const half = mul?.opType === 'Mul' && mul.input.includes(div.input[0]) ? only(idx, mul.output[0]) : undefined;
      return half?.opType === 'Mul' && half.input.some((x) => near(scalarOf(idx, model, x), 0.5));
    });
    if (!hit) break;
    const erf = only(idx, hit.output[0])!;
    const add = only(idx, erf.output[0])!;
    const mul = only(idx, add.output[0])!;
    const half = only(idx, mul.output[0])!;
    replace(model, new Set([hit, erf, add, mul, half]), [contrib('Gelu', `Gelu_${count}`, [hit.input[0]], [half.output[0]])]);
    count++;
  }
  if (count) removeDeadNodes(model);
  return count;
}

/** x·sigmoid(α·x) — Mul(α) → Sigmoid → Mul(x) — into com.microsoft QuickGelu(alpha α). */
export function fuseQuickGelu(model: ModelProto): number {
  let count = 0;
  for (;;) {
    const idx = new GraphIndex(model.graph!);
    let alpha: number | undefined;
    const hit = idx.nodes.find((m) => {
      if (m.opType !== 'Mul') return false;
      const a = m.input.map((x) => scalarOf(idx, model, x)).find((v) => v !== undefined);
      const x = m.input.find((t) => scalarOf(idx, model, t) === undefined);
      const sig = only(idx, m.output[0]);
      const out = sig?.opType === 'Sigmoid' ? only(idx, sig.output[0]) : undefined;
      if (a === undefined || !x || out?.opType !== 'Mul' || !out.input.includes(x)) return false;
      alpha = a;
      return true;
    });
    if (!hit) break;
    const x = hit.input.find((t) => scalarOf(idx, model, t) === undefined)!;
    const sig = only(idx, hit.output[0])!;
    const out = only(idx, sig.output[0])!;
    replace(model, new Set([hit, sig, out]), [contrib('QuickGelu', `QuickGelu_${count}`, [x], [out.output[0]], [attribute('alpha', { float: alpha! })])]);
    count++;
  }
  if (count) removeDeadNodes(model);
  return count;
}

/**
 * GEGLU after Gelu fusion — Add(bias) → two Slices of the last axis → Gelu(second half) →
 * Mul(first half, ·) — into com.microsoft BiasSplitGelu(projection, bias).
 */
export function fuseBiasSplitGelu(model: ModelProto): number {
  let count = 0;
  for (;;) {
    const idx = new GraphIndex(model.graph!);
    const hit = idx.nodes.find((gelu) => {
      if (gelu.opType !== 'Gelu' || gelu.domain !== 'com.microsoft') return false;
      const s2 = idx.nodes[idx.producer.get(gelu.input[0]) ?? -1];
      const add = s2?.opType === 'Slice' ? idx.nodes[idx.producer.get(s2.input[0]) ?? -1] : undefined;
      const mul = only(idx, gelu.output[0]);
      return add?.opType === 'Add' && add.input.some((x) => idx.initializers.has(x)) && mul?.opType === 'Mul';
    });
    if (!hit) break;
    const s2 = idx.nodes[idx.producer.get(hit.input[0])!];
    const add = idx.nodes[idx.producer.get(s2.input[0])!];
    const mul = only(idx, hit.output[0])!;
    const s1 = idx.nodes[idx.producer.get(mul.input.find((x) => x !== hit.output[0])!)!];
    const bias = add.input.find((x) => idx.initializers.has(x))!;
    const proj = add.input.find((x) => x !== bias)!;
    replace(model, new Set([add, s1, s2, hit, mul]), [contrib('BiasSplitGelu', `BiasSplitGelu_${count}`, [proj, bias], [mul.output[0]])]);
    count++;
  }
  if (count) removeDeadNodes(model);
  return count;
}

/**
 * The inverse of fuseBiasSplitGelu, for runtimes that cannot run the fused op: onnxruntime-node's
 * CPU EP has no BiasSplitGelu kernel, and onnxruntime-web 1.30's fp16 BiasSplitGelu shader fails to
 * compile on WebGPU ("Invalid ShaderModule BiasSplitGelu"). Each node becomes
 * y = x + bias; out = y[…, :D] · Gelu(y[…, D:]) with D = half the bias length (com.microsoft Gelu,
 * which both run). Returns how many were rewritten.
 */
export function unfuseBiasSplitGelu(model: ModelProto): number {
  const g = model.graph!;
  const out: NodeProto[] = [];
  let count = 0;
  const ints = (name: string, v: number[]) => {
    if (!g.initializer.some((t) => t.name === name)) g.initializer.push(i64Tensor(name, [v.length], v));
    return name;
  };
  for (const n of g.node) {
    if (n.opType !== 'BiasSplitGelu' || n.domain !== 'com.microsoft') {
      out.push(n);
      continue;
    }
    const bias = g.initializer.find((t) => t.name === n.input[1]);
    if (!bias) throw new Error(`${n.name}: BiasSplitGelu's bias is not an initializer.`);
    const D = Number(bias.dims[0]) / 2;
    const p = n.name || `BiasSplitGelu_${count}`;
    const [x, b] = n.input;
    const plain = (opType: string, name: string, input: string[], output: string) => create(NodeProtoSchema, { opType, name, input, output: [output], domain: '' });
    out.push(plain('Add', `${p}/Add`, [x, b], `${p}/biased`));
    out.push(plain('Slice', `${p}/SliceA`, [`${p}/biased`, ints('bsg_zero', [0]), ints(`bsg_d${D}`, [D]), ints('bsg_last', [-1])], `${p}/hidden`));
    out.push(plain('Slice', `${p}/SliceB`, [`${p}/biased`, ints(`bsg_d${D}`, [D]), ints(`bsg_2d${D}`, [2 * D]), ints('bsg_last', [-1])], `${p}/gate`));
    out.push(contrib('Gelu', `${p}/Gelu`, [`${p}/gate`], [`${p}/gelu`]));
    out.push(plain('Mul', `${p}/Mul`, [`${p}/hidden`, `${p}/gelu`], n.output[0]));
    count++;
  }
  g.node = out;
  if (count && !model.opsetImport.some((o) => o.domain === 'com.microsoft')) model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: 'com.microsoft', version: 1n }));
  return count;
}
