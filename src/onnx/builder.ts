// A small typed ONNX graph builder: enough to write test models and synthetic SD pipelines in code.
import {
  create,
  encodeModel,
  DataType,
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  TensorShapeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
  type ModelProto,
} from './proto.ts';

export type Dim = number | string;
export type AttrValue = number | string | number[] | Float32Array | TensorProto | { float: number } | { ints: number[] };

export interface ValueSpec {
  name: string;
  dataType: DataType;
  dims: Dim[];
}

function valueInfo({ name, dataType, dims }: ValueSpec): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: dataType,
          shape: create(TensorShapeProtoSchema, {
            dim: dims.map((d) =>
              create(TensorShapeProto_DimensionSchema, {
                value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
              }),
            ),
          }),
        }),
      },
    }),
  });
}

export function attribute(name: string, v: AttrValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(v) })
      : create(AttributeProtoSchema, { name, type: T.FLOAT, f: v });
  }
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: v.map(BigInt) });
  if (v instanceof Float32Array) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...v] });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: v.float });
  if ('ints' in v) return create(AttributeProtoSchema, { name, type: T.INTS, ints: v.ints.map(BigInt) });
  return create(AttributeProtoSchema, { name, type: T.TENSOR, t: v });
}

/** A tensor initializer with raw little-endian bytes. */
export function tensor(name: string, dataType: DataType, dims: number[], raw: Uint8Array): TensorProto {
  return create(TensorProtoSchema, { name, dataType, dims: dims.map(BigInt), rawData: raw as Uint8Array<ArrayBuffer> });
}

export function f32Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const a = Float32Array.from(values);
  return tensor(name, DataType.FLOAT, dims, new Uint8Array(a.buffer));
}

export function i64Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const a = BigInt64Array.from(Array.from(values, (x) => BigInt(x)));
  return tensor(name, DataType.INT64, dims, new Uint8Array(a.buffer));
}

/** Builds a graph node by node; names are given by the caller (exporter-style scopes). */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly opsets = new Map<string, number>([['', 17]]);

  input(spec: ValueSpec): string {
    this.inputs.push(valueInfo(spec));
    return spec.name;
  }

  output(spec: ValueSpec): string {
    this.outputs.push(valueInfo(spec));
    return spec.name;
  }

  initializer(t: TensorProto): string {
    this.initializers.push(t);
    return t.name;
  }

  node(opType: string, inputs: string[], outputs: string[], opts: { name?: string; domain?: string; attrs?: Record<string, AttrValue> } = {}): string[] {
    const attrs = Object.entries(opts.attrs ?? {}).map(([k, v]) => attribute(k, v));
    if (opts.domain && !this.opsets.has(opts.domain)) this.opsets.set(opts.domain, 1);
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        input: inputs,
        output: outputs,
        name: opts.name ?? `${opType}_${this.nodes.length}`,
        domain: opts.domain ?? '',
        attribute: attrs,
      }),
    );
    return outputs;
  }

  toModel(graphName = 'graph', opset = 17): ModelProto {
    this.opsets.set('', opset);
    return create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'slothful',
      opsetImport: [...this.opsets].map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
      graph: create(GraphProtoSchema, {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      }),
    });
  }

  toBytes(graphName?: string, opset?: number): Uint8Array {
    return encodeModel(this.toModel(graphName, opset));
  }
}
