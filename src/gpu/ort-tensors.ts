// Model tensors between the CPU and onnxruntime-web: token ids, timesteps and float data in the
// type each graph declares (f32, or f16 as raw bits), and float32 values read back from CPU or
// GPU-buffer outputs. The only place our code makes ORT tensors from CPU data.
import { fromHalf, toHalf } from '../onnx/float16.ts';
import { DataType } from '../onnx/proto.ts';
import type { Ort, OrtTensor } from './ort.ts';

export type HostTensorType = 'float32' | 'float16' | 'int64' | 'int32';

/** A tensor on the CPU in the model's declared type (float16 as raw bits), whatever runtime runs it. */
export interface HostTensor {
  type: HostTensorType;
  data: Float32Array | Uint16Array | BigInt64Array | Int32Array;
  dims: number[];
}

/** onnxruntime-web tensors of host tensors (feeds read from files, for the CLI and benchmarks). */
export function ortTensors(ort: Ort, feeds: Record<string, HostTensor>): Record<string, OrtTensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
}

export type FloatKind = 'float32' | 'float16';

export function floatKind(dt: DataType): FloatKind {
  return dt === DataType.FLOAT16 ? 'float16' : 'float32';
}

export function floatTensor(ort: Ort, kind: FloatKind, data: Float32Array, dims: number[]): OrtTensor {
  return kind === 'float16' ? new ort.Tensor('float16', toHalf(data), dims) : new ort.Tensor('float32', data, dims);
}

/** Token ids [batch, ids.length / batch] as int64 or int32, as the text encoder declares them. */
export function idsTensor(ort: Ort, dt: DataType, ids: Int32Array, batch: number): OrtTensor {
  const dims = [batch, ids.length / batch];
  return dt === DataType.INT64 ? new ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), dims) : new ort.Tensor('int32', ids, dims);
}

/** A timestep tensor in whatever type the model declares (float32, float16 or int64). */
export function timestepTensor(ort: Ort, dt: DataType, t: number, batch: number): OrtTensor {
  if (dt === DataType.INT64) return new ort.Tensor('int64', BigInt64Array.from({ length: batch }, () => BigInt(Math.round(t))), [batch]);
  if (dt === DataType.INT32) return new ort.Tensor('int32', Int32Array.from({ length: batch }, () => Math.round(t)), [batch]);
  return floatTensor(ort, floatKind(dt), new Float32Array(batch).fill(t), [batch]);
}

/** Float32 values of a tensor on the CPU or the GPU (read back). */
export async function tensorToF32(t: OrtTensor): Promise<Float32Array> {
  const data = t.location === 'gpu-buffer' ? await t.getData() : t.data;
  if (t.type === 'float16') return data instanceof Uint16Array ? fromHalf(data) : Float32Array.from(data as ArrayLike<number>);
  return data as Float32Array;
}
