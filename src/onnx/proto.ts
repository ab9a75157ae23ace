// The single import point of the ONNX protobuf schema (onnx-buf: ONNX 1.20 schema on @bufbuild/protobuf).
// Decoding keeps `bytes` fields (raw_data) as views into the input buffer, so weights are not copied
// (model-file.test.ts checks it). Why onnx-buf over onnx-proto: onnx-proto is ONNX 1.10 (IR 8,
// protobufjs) and drops fields it does not know when re-encoding. What onnx-buf lacks: it is the
// proto3 schema (no presence for optional scalars: unset reads as 0/""), int64 fields are bigint,
// there is no streaming encode and protobuf itself stops at 2 GB — so big models keep their weights
// EXTERNAL (model-file.ts, models/weights.ts) and are never encoded with weights inline.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  TensorProto_DataType,
  type ModelProto,
} from 'onnx-buf';

export * from 'onnx-buf';
export { create };

export const DataType = TensorProto_DataType;
export type DataType = TensorProto_DataType;

/** Decodes an ONNX file. Initializers' raw_data stay views of `bytes` (zero-copy). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}

/** Encodes a model. Note: this copies every byte of inline weights. */
export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}
