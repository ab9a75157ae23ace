// Reading and writing ONNX files without copying weights: decoded initializers stay views of the
// file bytes (inline raw_data) or of an external-data blob (data_location = EXTERNAL), and
// `externalize` turns inline initializers into EXTERNAL entries that point back into the bytes
// they were decoded from — a model cut from a big U-Net can then reuse the original file as its
// external data, with no weight copied.
import {
  create,
  decodeModel,
  encodeModel,
  DataType,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  type ModelProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.ts';

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** External weights as onnxruntime-web takes them: `path` is the `location` written in the model. */
export interface ExternalBlob {
  path: string;
  data: Uint8Array;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length: number;
}

export interface LoadedModel {
  model: ModelProto;
  /** Initializers by name. */
  initializers: Map<string, TensorProto>;
  /** The initializer's bytes as a view of the file or of its external blob (typed-data fields are copied). */
  initializerBytes(name: string): Uint8Array;
}

const BYTES_PER_ELEMENT: Partial<Record<DataType, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.FLOAT16]: 2,
  [DataType.BFLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.INT64]: 8,
  [DataType.INT32]: 4,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.BOOL]: 1,
};

export function elementSize(dataType: DataType): number {
  const n = BYTES_PER_ELEMENT[dataType];
  if (!n) throw new ModelFormatError(`Unsupported tensor data type ${DataType[dataType] ?? dataType}.`);
  return n;
}

export function tensorElements(t: TensorProto): number {
  return t.dims.reduce((a, d) => a * Number(d), 1);
}

/** The `location/offset/length` of an EXTERNAL tensor, or undefined when it is inline. */
export function externalRef(t: TensorProto): ExternalRef | undefined {
  if (t.dataLocation !== TensorProto_DataLocation.EXTERNAL) return undefined;
  const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = kv.get('location');
  if (!location) throw new ModelFormatError(`Initializer ${t.name} is EXTERNAL but has no location.`);
  const offset = Number(kv.get('offset') ?? 0);
  const length = kv.has('length') ? Number(kv.get('length')) : tensorElements(t) * elementSize(t.dataType);
  return { location, offset, length };
}

/** Marks `t` as stored at `ref` in an external blob and drops any inline data. */
export function setExternal(t: TensorProto, ref: ExternalRef): void {
  t.rawData = new Uint8Array(0);
  t.floatData = [];
  t.int32Data = [];
  t.int64Data = [];
  t.dataLocation = TensorProto_DataLocation.EXTERNAL;
  t.externalData = [
    create(StringStringEntryProtoSchema, { key: 'location', value: ref.location }),
    create(StringStringEntryProtoSchema, { key: 'offset', value: String(ref.offset) }),
    create(StringStringEntryProtoSchema, { key: 'length', value: String(ref.length) }),
  ];
}

function typedFieldBytes(t: TensorProto): Uint8Array {
  const n = tensorElements(t);
  if (t.dataType === DataType.FLOAT && t.floatData.length === n) return new Uint8Array(Float32Array.from(t.floatData).buffer);
  if (t.dataType === DataType.INT64 && t.int64Data.length === n) return new Uint8Array(BigInt64Array.from(t.int64Data).buffer);
  if (t.dataType === DataType.INT32 && t.int32Data.length === n) return new Uint8Array(Int32Array.from(t.int32Data).buffer);
  if (t.dataType === DataType.FLOAT16 && t.int32Data.length === n) return new Uint8Array(Uint16Array.from(t.int32Data).buffer);
  throw new ModelFormatError(`Initializer ${t.name} holds no data for its ${n} elements.`);
}

/**
 * Decodes an ONNX model. `externalData` are the blobs its EXTERNAL initializers point into
 * (matched by `location`). Nothing is copied: inline raw_data are views of `bytes`. `decoded`: the
 * model already decoded from `bytes` (skips decoding it again).
 */
export function readModel(bytes: Uint8Array, externalData: ExternalBlob[] = [], decoded?: ModelProto): LoadedModel {
  const model = decoded ?? decodeModel(bytes);
  if (!model.graph) throw new ModelFormatError('The file decodes to an ONNX model without a graph — is it an .onnx file?');
  const blobs = new Map(externalData.map((b) => [b.path.replace(/^\.\//, ''), b.data]));
  const initializers = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const initializerBytes = (name: string): Uint8Array => {
    const t = initializers.get(name);
    if (!t) throw new ModelFormatError(`No initializer named ${name}.`);
    const ref = externalRef(t);
    if (!ref) return t.rawData.length ? t.rawData : typedFieldBytes(t);
    const blob = blobs.get(ref.location.replace(/^\.\//, ''));
    if (!blob) {
      throw new ModelFormatError(`Initializer ${name} lives in external file "${ref.location}", which was not given: pass it in externalData.`);
    }
    if (ref.offset + ref.length > blob.byteLength) {
      throw new ModelFormatError(`Initializer ${name} reaches past the end of "${ref.location}" (${ref.offset}+${ref.length} > ${blob.byteLength}).`);
    }
    return blob.subarray(ref.offset, ref.offset + ref.length);
  };
  return { model, initializers, initializerBytes };
}

/** One loaded ONNX file of a pipeline: its bytes, external weights and decoded graph (decoded once). */
export interface OnnxFile {
  path: string;
  bytes: Uint8Array;
  /** External data files the model refers to, keyed by their `location` (as ORT's externalData wants). */
  externalData: { path: string; data: Uint8Array }[];
  /** the decoded graph (initializer data are views of `bytes`): decoded once, on loading */
  model: ModelProto;
  /** the graph's declared inputs and outputs */
  io: GraphIo;
}

/** A declared graph input or output: element type and dims (undefined where symbolic or missing). */
export interface GraphValue {
  name: string;
  dataType: DataType;
  dims?: (number | undefined)[];
}

export interface GraphIo {
  /** graph inputs that are not initializers */
  inputs: GraphValue[];
  outputs: GraphValue[];
}

/** The model's own inputs and outputs as it declares them (each session's feeds follow these types). */
export function graphIo(model: ModelProto): GraphIo {
  const inits = new Set(model.graph?.initializer.map((t) => t.name));
  const value = (v: ValueInfoProto): GraphValue => {
    const tt = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
    if (!tt) throw new ModelFormatError(`Graph value ${v.name} is not a tensor.`);
    const dims = tt.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : undefined));
    return { name: v.name, dataType: tt.elemType as DataType, dims };
  };
  return {
    inputs: (model.graph?.input ?? []).filter((v) => !inits.has(v.name)).map(value),
    outputs: (model.graph?.output ?? []).map(value),
  };
}

/** Whether the graph computes in float16 anywhere: an fp16 input, output or weight. */
export function usesFloat16(model: ModelProto, io: GraphIo = graphIo(model)): boolean {
  return [...io.inputs, ...io.outputs].some((v) => v.dataType === DataType.FLOAT16) || (model.graph?.initializer ?? []).some((t) => t.dataType === DataType.FLOAT16);
}

/** The `location`s of the model's EXTERNAL initializers (empty when every weight is inline). */
export function externalLocations(model: ModelProto): string[] {
  const out = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    const ref = externalRef(t);
    if (ref) out.add(ref.location);
  }
  return [...out];
}

/** Encodes a model. Inline weights are copied into the output; keep big weights EXTERNAL. */
export function writeModel(model: ModelProto): Uint8Array {
  return encodeModel(model);
}

/**
 * Rewrites every inline initializer of `model` whose raw_data is a view inside `blob` (for
 * instance the file it was decoded from) as EXTERNAL, pointing at its bytes in `blob` under the
 * name `location`. Initializers smaller than `minBytes` or held elsewhere stay inline. No weight is
 * copied; mount `blob` as `{ path: location, data: blob }`. Returns how many were rewritten.
 */
export function externalize(model: ModelProto, blob: Uint8Array, location: string, opts: { minBytes?: number } = {}): number {
  const minBytes = opts.minBytes ?? 0;
  let count = 0;
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (t.dataLocation === TensorProto_DataLocation.EXTERNAL || raw.byteLength === 0 || raw.byteLength < minBytes) continue;
    if (raw.buffer !== blob.buffer) continue;
    const offset = raw.byteOffset - blob.byteOffset;
    if (offset < 0 || offset + raw.byteLength > blob.byteLength) continue;
    setExternal(t, { location, offset, length: raw.byteLength });
    count++;
  }
  return count;
}
