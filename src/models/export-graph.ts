// A graph writer that names things the way torch.onnx.export does: nodes `/<module path>/<Op>[_k]`,
// outputs `<node>_output_<i>`, parameters by their state-dict names (`conv_in.weight`), and folded
// constants (transposed Linear weights, unsqueezed GroupNorm affine) as `onnx::<Op>_<n>`. Weights are
// declared lazily through a WeightStore (see weights.ts).
import { GraphBuilder, tensor, type AttrValue } from '../onnx/builder.ts';
import { DataType, type TensorProto } from '../onnx/proto.ts';
import { toHalfBits } from '../onnx/float16.ts';
import { WeightStore, type WeightInit } from './weights.ts';

export type FloatType = 'float32' | 'float16';

export class ExportGraph {
  readonly b = new GraphBuilder();
  readonly weights: WeightStore;
  /** The model's float element type. */
  readonly dt: DataType;
  private readonly scopes: string[] = [];
  private readonly counts = new Map<string, number>();
  private foldedId = 0;

  constructor(seed: number, dtype: FloatType, foldedBase = 8000) {
    this.weights = new WeightStore(seed);
    this.dt = dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT;
    this.foldedId = foldedBase;
  }

  get fp16(): boolean {
    return this.dt === DataType.FLOAT16;
  }

  /** Runs `fn` inside module `name` (a path segment such as `down_blocks.0` or `attn1`). */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The node-name scope of the current module (`/down_blocks.0/attentions.0/…/attn1`). */
  get scopePath(): string {
    return `/${this.scopes.join('/')}`;
  }

  /** The state-dict prefix of the current module (`down_blocks.0.resnets.1.conv1`). */
  get modulePath(): string {
    return this.scopes.join('.');
  }

  private nodeName(opType: string): string {
    const base = `/${this.scopes.join('/')}${this.scopes.length ? '/' : ''}${opType}`;
    const k = this.counts.get(base) ?? 0;
    this.counts.set(base, k + 1);
    return k ? `${base}_${k}` : base;
  }

  /** One node with torch-style name and outputs; returns its outputs. */
  opN(opType: string, inputs: string[], nOut: number, attrs?: Record<string, AttrValue>, domain?: string): string[] {
    const name = this.nodeName(opType);
    const outputs = Array.from({ length: nOut }, (_, i) => `${name}_output_${i}`);
    this.b.node(opType, inputs, outputs, { name, attrs, domain });
    return outputs;
  }

  op(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, domain?: string): string {
    return this.opN(opType, inputs, 1, attrs, domain)[0];
  }

  /** A node with a given (non-torch) name and output, e.g. ORT optimizer nodes. */
  named(opType: string, name: string, inputs: string[], output: string, attrs?: Record<string, AttrValue>, domain?: string): string {
    this.b.node(opType, inputs, [output], { name, attrs, domain });
    return output;
  }

  /** A Constant node holding int64 values (torch emits these for literal shapes and indices). */
  constI64(values: (number | bigint)[], scalar = false): string {
    const t = tensor('', DataType.INT64, scalar ? [] : [values.length], new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer));
    return this.op('Constant', [], { value: t });
  }

  /** A Constant node holding float values of type `dataType` (default: the model's). */
  constF(values: number[], opts: { dataType?: DataType; scalar?: boolean } = {}): string {
    return this.op('Constant', [], { value: floatTensor('', opts.dataType ?? this.dt, opts.scalar ? [] : [values.length], values) });
  }

  /** A parameter initializer named by the state dict: `<module path>.<local>`. */
  param(local: string, dims: number[], init: Omit<Extract<WeightInit, { kind: 'uniform' }>, 'kind' | 'key'> | WeightInit): string {
    const name = `${this.modulePath}.${local}`;
    const full: WeightInit = 'kind' in init ? init : { kind: 'uniform', key: name, ...init };
    return this.weights.add(name, this.dt, dims, full).name;
  }

  /** A constant folded by the exporter, named `onnx::<consumerOp>_<n>`. */
  folded(consumerOp: string, dims: number[], init: WeightInit, dataType = this.dt): string {
    return this.weights.add(`onnx::${consumerOp}_${this.foldedId++}`, dataType, dims, init).name;
  }

  /** An inline int64 initializer (shapes written by ORT's optimizer). */
  intInit(name: string, values: number[]): string {
    this.b.initializer(tensor(name, DataType.INT64, [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer)));
    return name;
  }

  weightTensors(): TensorProto[] {
    return this.weights.tensors();
  }

  /** Renames a node output (a graph output keeps the name of the last node's value, as torch does). */
  renameOutput(from: string, to: string): string {
    for (const n of this.b.nodes) n.output = n.output.map((o) => (o === from ? to : o));
    for (const n of this.b.nodes) n.input = n.input.map((i) => (i === from ? to : i));
    return to;
  }

  /** A float initializer with explicit values (created as a weight so it follows the model's storage). */
  floatInit(name: string, dims: number[], init: WeightInit, dataType = this.dt): string {
    return this.weights.add(name, dataType, dims, init).name;
  }
}

export function floatTensor(name: string, dataType: DataType, dims: number[], values: number[]): TensorProto {
  if (dataType === DataType.FLOAT16) return tensor(name, dataType, dims, new Uint8Array(Uint16Array.from(values, toHalfBits).buffer));
  return tensor(name, dataType, dims, new Uint8Array(Float32Array.from(values).buffer));
}
