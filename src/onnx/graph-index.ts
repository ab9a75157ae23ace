// Index of an ONNX graph for analysis: who produces and who consumes each tensor, a topological
// order, and a small element-type inference (enough to tell float activations from int64 shapes).
import { DataType, type GraphProto, type NodeProto, type TensorProto } from './proto.ts';

export class GraphIndex {
  readonly nodes: NodeProto[];
  /** tensor name → index of the node producing it */
  readonly producer = new Map<string, number>();
  /** tensor name → indices of nodes consuming it */
  readonly consumers = new Map<string, number[]>();
  readonly initializers: Set<string>;
  private readonly initByName: Map<string, TensorProto>;
  readonly inputs: Set<string>;
  readonly outputs: Set<string>;
  private typeCache = new Map<string, DataType | undefined>();
  private rankCache = new Map<string, number | undefined>();
  private declaredRanks = new Map<string, number>();
  private declaredTypes = new Map<string, DataType>();

  constructor(readonly graph: GraphProto) {
    this.nodes = graph.node;
    this.initByName = new Map(graph.initializer.map((t) => [t.name, t]));
    this.initializers = new Set(this.initByName.keys());
    this.inputs = new Set(graph.input.map((v) => v.name).filter((n) => !this.initializers.has(n)));
    this.outputs = new Set(graph.output.map((v) => v.name));
    for (const v of [...graph.valueInfo, ...graph.output, ...graph.input]) {
      if (v.type?.value.case === 'tensorType') this.declaredTypes.set(v.name, v.type.value.value.elemType as DataType);
    }
    for (const t of graph.initializer) this.declaredTypes.set(t.name, t.dataType);
    for (const v of [...graph.valueInfo, ...graph.output, ...graph.input]) {
      const tt = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
      if (tt?.shape) this.declaredRanks.set(v.name, tt.shape.dim.length);
    }
    for (const t of graph.initializer) this.declaredRanks.set(t.name, t.dims.length);
    this.nodes.forEach((n, i) => {
      for (const o of n.output) if (o) this.producer.set(o, i);
      for (const x of n.input) {
        if (!x) continue;
        const list = this.consumers.get(x);
        if (list) list.push(i);
        else this.consumers.set(x, [i]);
      }
    });
  }

  /** Node indices in a topological order (Kahn; stable with respect to file order). */
  topoOrder(): number[] {
    const indeg = this.nodes.map((n) => new Set(n.input.filter((x) => x && this.producer.has(x)).map((x) => this.producer.get(x)!)).size);
    const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
    const order: number[] = [];
    const done = new Set<number>();
    while (ready.length) {
      const i = ready.shift()!;
      order.push(i);
      done.add(i);
      const next = new Set<number>();
      for (const o of this.nodes[i].output) for (const c of this.consumers.get(o) ?? []) next.add(c);
      for (const c of next) if (--indeg[c] === 0) ready.push(c);
    }
    if (order.length !== this.nodes.length) throw new Error('The ONNX graph has a cycle or a dangling dependency.');
    return order;
  }

  /** All node indices reachable forward from tensor `t`. */
  descendants(t: string): Set<number> {
    const seen = new Set<number>();
    const stack = [...(this.consumers.get(t) ?? [])];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      for (const o of this.nodes[i].output) stack.push(...(this.consumers.get(o) ?? []));
    }
    return seen;
  }

  /** All node indices that `t` depends on (its producer and theirs, recursively). */
  ancestors(t: string): Set<number> {
    const seen = new Set<number>();
    const stack = this.producer.has(t) ? [this.producer.get(t)!] : [];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      for (const x of this.nodes[i].input) if (x && this.producer.has(x)) stack.push(this.producer.get(x)!);
    }
    return seen;
  }

  /** Element type of a tensor, inferred from declarations and op semantics (undefined if unknown). */
  elemType(t: string): DataType | undefined {
    if (this.typeCache.has(t)) return this.typeCache.get(t);
    this.typeCache.set(t, undefined); // cycle guard
    const r = this.inferType(t);
    this.typeCache.set(t, r);
    return r;
  }

  /** Rank of a tensor where the ops that produced it make it knowable. */
  rank(t: string): number | undefined {
    if (this.rankCache.has(t)) return this.rankCache.get(t);
    this.rankCache.set(t, undefined);
    const r = this.declaredRanks.get(t) ?? this.inferRank(t);
    this.rankCache.set(t, r);
    return r;
  }

  /** Values of a constant int64 tensor (initializer or Constant node), if it is one. */
  constInts(t: string): number[] | undefined {
    const init = this.initByName.get(t);
    const p = this.producer.get(t);
    const n = p === undefined ? undefined : this.nodes[p];
    const tp = init ?? (n?.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined);
    if (!tp) {
      const ints = n?.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value_ints') : undefined;
      return ints ? ints.ints.map(Number) : undefined;
    }
    if (tp.dataType !== DataType.INT64) return undefined;
    if (tp.int64Data.length) return tp.int64Data.map(Number);
    const raw = tp.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }

  /** Length of a 1-D tensor where it follows from constants and ranks (shape arithmetic). */
  constLength(t: string): number | undefined {
    const p0 = this.producer.get(t);
    const n0 = p0 === undefined ? undefined : this.nodes[p0];
    if (n0?.opType === 'Slice' && this.rank(n0.input[0]) === 1) {
      const len = this.constLength(n0.input[0]);
      const [st, en] = [this.constInts(n0.input[1]), this.constInts(n0.input[2])];
      const step = n0.input[4] ? this.constInts(n0.input[4])?.[0] : 1;
      if (len === undefined || !st || !en || step !== 1) return undefined;
      const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + len : x, 0), len);
      return Math.max(0, clamp(en[0]) - clamp(st[0]));
    }
    return this.constLengthSimple(t);
  }

  private constLengthSimple(t: string): number | undefined {
    const init = this.initByName.get(t);
    if (init) return init.dims.length === 1 ? Number(init.dims[0]) : undefined;
    const p = this.producer.get(t);
    const n = p === undefined ? undefined : this.nodes[p];
    if (n?.opType === 'Constant') {
      const v = n.attribute.find((a) => a.name === 'value')?.t;
      if (v && v.dims.length === 1) return Number(v.dims[0]);
      const ints = n.attribute.find((a) => a.name === 'value_ints');
      if (ints) return ints.ints.length;
    }
    if (n?.opType === 'Shape') return this.rank(n.input[0]);
    if (n?.opType === 'Concat') {
      const parts = n.input.map((x) => this.constLength(x));
      return parts.every((x) => x !== undefined) ? parts.reduce((a, b) => a! + b!, 0) : undefined;
    }
    if (n?.opType === 'Unsqueeze' && this.rank(n.input[0]) === 0) return 1;
    if (n?.opType === 'Cast') return this.constLength(n.input[0]);
    return undefined;
  }

  private inferRank(t: string): number | undefined {
    const pi = this.producer.get(t);
    if (pi === undefined) return undefined;
    const n = this.nodes[pi];
    const attr = (name: string) => n.attribute.find((a) => a.name === name);
    const r0 = () => (n.input[0] ? this.rank(n.input[0]) : undefined);
    switch (n.opType) {
      case 'Shape':
      case 'Range':
        return 1;
      case 'Size':
        return 0;
      case 'NonZero':
        return 2;
      case 'Constant': {
        const v = attr('value')?.t;
        if (v) return v.dims.length;
        return attr('value_ints') || attr('value_floats') ? 1 : 0;
      }
      case 'Gather': {
        const [a, b] = [this.rank(n.input[0]), this.rank(n.input[1])];
        return a === undefined || b === undefined ? undefined : a - 1 + b;
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        const r = r0();
        const axes = attr('axes')?.ints.length ?? (n.input[1] ? this.constLength(n.input[1]) : undefined);
        if (r === undefined || axes === undefined) return undefined;
        return n.opType === 'Unsqueeze' ? r + axes : r - axes;
      }
      case 'Reshape':
        return this.constLength(n.input[1]);
      case 'ConstantOfShape':
        return this.constLength(n.input[0]);
      case 'Expand': {
        const [a, b] = [r0(), this.constLength(n.input[1])];
        return a === undefined || b === undefined ? undefined : Math.max(a, b);
      }
      default:
        if (SAME_RANK.has(n.opType)) return r0();
        if (BROADCAST.has(n.opType)) {
          const rs = n.input.filter(Boolean).map((x) => this.rank(x));
          return rs.every((x) => x !== undefined) ? Math.max(...(rs as number[])) : undefined;
        }
        return undefined;
    }
  }

  private inferType(t: string): DataType | undefined {
    const d = this.declaredTypes.get(t);
    if (d) return d;
    const pi = this.producer.get(t);
    if (pi === undefined) return undefined;
    const n = this.nodes[pi];
    const attr = (name: string) => n.attribute.find((a) => a.name === name);
    switch (n.opType) {
      case 'Shape':
      case 'Size':
      case 'NonZero':
      case 'ArgMax':
      case 'ArgMin':
        return DataType.INT64;
      case 'Equal':
      case 'Less':
      case 'Greater':
      case 'LessOrEqual':
      case 'GreaterOrEqual':
      case 'Not':
      case 'And':
      case 'Or':
        return DataType.BOOL;
      case 'Cast':
        return Number(attr('to')?.i ?? 0) as DataType;
      case 'Constant':
        return attr('value')?.t?.dataType ?? (attr('value_int') || attr('value_ints') ? DataType.INT64 : DataType.FLOAT);
      case 'ConstantOfShape':
        return attr('value')?.t?.dataType ?? DataType.FLOAT;
      case 'Where':
        return this.elemType(n.input[1]);
      default:
        return n.input[0] ? this.elemType(n.input[0]) : undefined;
    }
  }
}

const SAME_RANK = new Set(['Cast', 'Slice', 'Concat', 'Identity', 'Neg', 'Sqrt', 'Relu', 'Sigmoid', 'Tanh', 'Erf', 'Exp', 'Log', 'Abs', 'Floor', 'Ceil', 'Round', 'Not', 'Softmax', 'Transpose', 'LayerNormalization', 'InstanceNormalization', 'Conv', 'Resize', 'Clip', 'Reciprocal', 'Sin', 'Cos']);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Where', 'Max', 'Min', 'Mod', 'MatMul']);

/** Rank inference for the ops SD exports use (enough to declare segment I/O); undefined if unknown. */
export function inferRank(idx: GraphIndex, t: string): number | undefined {
  return idx.rank(t);
}

export function isFloatType(t: DataType | undefined): boolean {
  return t === DataType.FLOAT || t === DataType.FLOAT16 || t === DataType.BFLOAT16 || t === DataType.DOUBLE;
}
