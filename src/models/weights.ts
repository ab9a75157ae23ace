// Synthetic weights: every float initializer of a generated model is declared here with how its
// values are made (a seeded stream per parameter name, a constant, or computed values), and only
// materialised at the end — inline (as views of one blob) for small models, or streamed straight
// into one external-data blob (diffusers' `weights.pb`) for big ones, so no weight is encoded
// twice and an sd15 fp16 U-Net never exists as a protobuf.
import { tensor } from '../onnx/builder.ts';
import { setExternal } from '../onnx/model-file.ts';
import { DataType, type TensorProto } from '../onnx/proto.ts';
import { toHalf } from '../onnx/float16.ts';
import { Rng } from './rng.ts';

/** How an initializer's float values are produced. */
export type WeightInit =
  /** Uniform in center ± bound, from the stream of parameter `key` (torch's default inits are uniform). */
  | { kind: 'uniform'; key: string; bound: number; center?: number }
  | { kind: 'const'; value: number }
  | { kind: 'values'; values: ArrayLike<number> }
  /** Computed from other parameters' streams (e.g. ORT's packed QKV weight). */
  | { kind: 'derived'; fill: (out: Float32Array, stream: (key: string, bound: number, n: number) => Float32Array) => void };

interface Entry {
  tensor: TensorProto;
  elements: number;
  init: WeightInit;
}

/** Tensors below this many bytes stay inline, as onnx.save_model's default size_threshold. */
export const EXTERNAL_MIN_BYTES = 1024;
const ALIGN = 64;

export interface Materialized {
  /** The external blob (undefined when every weight is inline). */
  blob?: Uint8Array;
}

export class WeightStore {
  private readonly entries: Entry[] = [];
  private readonly names = new Set<string>();

  constructor(readonly seed: number) {}

  /** Declares a float initializer (FLOAT or FLOAT16); returns the TensorProto to put in the graph. */
  add(name: string, dataType: DataType, dims: number[], init: WeightInit): TensorProto {
    if (this.names.has(name)) throw new Error(`Duplicate initializer name ${name}.`);
    if (dataType !== DataType.FLOAT && dataType !== DataType.FLOAT16) throw new Error(`Weights must be float or float16 (${name}).`);
    this.names.add(name);
    const t = tensor(name, dataType, dims, new Uint8Array(0));
    this.entries.push({ tensor: t, elements: dims.reduce((a, b) => a * b, 1), init });
    return t;
  }

  /** The declared tensors in declaration order (their data is set by materialize). */
  tensors(): TensorProto[] {
    return this.entries.map((e) => e.tensor);
  }

  get count(): number {
    return this.entries.length;
  }

  /** Total bytes of all weights. */
  get bytes(): number {
    return this.entries.reduce((a, e) => a + e.elements * bytesOf(e.tensor.dataType), 0);
  }

  /** Values of parameter stream `key` (uniform ±bound): the same numbers wherever the key is used. */
  stream(key: string, bound: number, n: number, center = 0): Float32Array {
    const out = new Rng(this.seed, key).fillUniform(new Float32Array(n), bound);
    if (center) for (let i = 0; i < n; i++) out[i] += center;
    return out;
  }

  private fill(e: Entry, out: Float32Array): void {
    const init = e.init;
    if (init.kind === 'uniform') {
      new Rng(this.seed, init.key).fillUniform(out, init.bound);
      if (init.center) for (let i = 0; i < out.length; i++) out[i] += init.center;
    } else if (init.kind === 'const') out.fill(init.value);
    else if (init.kind === 'values') out.set(init.values);
    else init.fill(out, (key, bound, n) => this.stream(key, bound, n));
  }

  /**
   * Writes every weight. `external`: tensors of at least EXTERNAL_MIN_BYTES go to one blob named
   * `location` (64-byte aligned offsets) and become EXTERNAL; otherwise all are inline views.
   */
  materialize(opts: { external: boolean; location?: string }): Materialized {
    const isExt = (e: Entry) => opts.external && e.elements * bytesOf(e.tensor.dataType) >= EXTERNAL_MIN_BYTES;
    let extSize = 0;
    let inlineSize = 0;
    for (const e of this.entries) {
      const n = e.elements * bytesOf(e.tensor.dataType);
      if (isExt(e)) extSize = align(extSize) + n;
      else inlineSize = align(inlineSize) + n;
    }
    const blob = extSize ? new Uint8Array(extSize) : undefined;
    const inline = new Uint8Array(inlineSize);
    let maxElems = 0;
    for (const e of this.entries) maxElems = Math.max(maxElems, e.elements);
    const scratch = new Float32Array(maxElems);
    let extOff = 0;
    let inOff = 0;
    for (const e of this.entries) {
      const n = e.elements * bytesOf(e.tensor.dataType);
      const ext = isExt(e);
      const off = ext ? align(extOff) : align(inOff);
      const dst = (ext ? blob! : inline).subarray(off, off + n);
      const vals = scratch.subarray(0, e.elements);
      this.fill(e, vals);
      writeFloats(vals, e.tensor.dataType, dst);
      if (ext) {
        setExternal(e.tensor, { location: opts.location ?? 'weights.pb', offset: off, length: n });
        extOff = off + n;
      } else {
        e.tensor.rawData = dst as Uint8Array<ArrayBuffer>;
        inOff = off + n;
      }
    }
    return { blob };
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function bytesOf(dt: DataType): number {
  return dt === DataType.FLOAT16 ? 2 : 4;
}

/** Little-endian float32 or binary16 (round-to-nearest-even) into `dst`. */
export function writeFloats(vals: Float32Array, dataType: DataType, dst: Uint8Array): void {
  if (dataType === DataType.FLOAT) {
    dst.set(new Uint8Array(vals.buffer, vals.byteOffset, vals.byteLength));
    return;
  }
  toHalf(vals, new Uint16Array(dst.buffer, dst.byteOffset, vals.length));
}
