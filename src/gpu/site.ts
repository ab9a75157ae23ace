// One self-attention (attn1) site on the GPU: pool → Q/K/V projections → flash attention, encoded
// into the caller's command encoder (SPEC_SA.md §1). It owns the uploaded projection weights (as
// one fused [C, 3C] matrix) and its scratch buffers; the input `n` is borrowed (e.g. an ORT output)
// and `o` [B, N, C] goes to the model's own to_out.
import type { SaWindow } from '../sa/index.ts';
import { storageBuffer, uploadBuffer } from './buffers.ts';
import { FlashAttention, type AttentionOptions } from './kernels/attention.ts';
import { KernelConfigError, bytesPerValue, type DTypeOptions, type TensorDType } from './kernels/dtype.ts';
import { fromHalf, toHalf } from './kernels/half.ts';
import { MatMul } from './kernels/matmul.ts';
import { PoolKv, sharesKv } from './kernels/pool-kv.ts';

/** f32 values, or raw binary16 bytes / bits exactly as an fp16 ONNX initializer stores them. */
export type WeightData = Float32Array | Uint16Array | Uint8Array;

export interface SiteWeights {
  /** [C, C] row-major, y = x·W (ONNX MatMul initializer layout) */
  wq: WeightData;
  wk: WeightData;
  wv: WeightData;
  /** [C] each, optional (SD's to_q/to_k/to_v have none) */
  bq?: WeightData;
  bk?: WeightData;
  bv?: WeightData;
}

export interface SiteOptions extends DTypeOptions {
  label?: string;
  C: number;
  heads: number;
  weights: SiteWeights;
  /** attention tuning (workgroup size / memory); head_dim = C / heads */
  attention?: Pick<AttentionOptions, 'workgroupSize' | 'workgroupBytes' | 'tiling'>;
}

export interface SiteCall {
  /** n: [B, h·w, C] in the site's dtype (borrowed, owned by the caller) */
  n: GPUBuffer;
  B: number;
  h: number;
  w: number;
  window: SaWindow;
  /** where o goes (borrowed); default: a buffer the site owns, valid until its next encode */
  out?: GPUBuffer;
  /**
   * GPU timing: a 'timestamp' query set of SITE_TIMESTAMPS. The site is then encoded as three
   * compute passes (pool, projections, attention) writing begin/end at 0/1, 2/3 and 4/5; a pass
   * that does not run (no pooling when the window is off) writes nothing.
   */
  timestamps?: GPUQuerySet;
}

/** Queries a site's timed encode writes: begin/end of pool, projections, attention. */
export const SITE_TIMESTAMPS = 6;
export const SITE_PARTS = ['pool', 'project', 'attention'] as const;

function asValues(data: WeightData, dtype: TensorDType): Float32Array | Uint16Array {
  const isHalf = !(data instanceof Float32Array);
  const half = data instanceof Uint8Array ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) : data;
  if (dtype === 'f16') return isHalf ? (half as Uint16Array) : toHalf(data as Float32Array);
  return isHalf ? fromHalf(half as Uint16Array) : (data as Float32Array);
}

/** W = [Wq | Wk | Wv]: [C, 3C]; b = [bq | bk | bv] (zeros where missing) or undefined. */
function fuseWeights(ws: SiteWeights, C: number, dtype: TensorDType) {
  const parts = [ws.wq, ws.wk, ws.wv].map((x) => asValues(x, dtype));
  parts.forEach((p, i) => {
    if (p.length !== C * C) throw new KernelConfigError(`Site weight ${'qkv'[i]} has ${p.length} values, expected C·C = ${C * C}.`);
  });
  const make = (len: number) => (dtype === 'f32' ? new Float32Array(len) : new Uint16Array(len));
  const w = make(3 * C * C);
  for (let r = 0; r < C; r++) parts.forEach((p, i) => w.set(p.subarray(r * C, (r + 1) * C), r * 3 * C + i * C));
  const biases = [ws.bq, ws.bk, ws.bv];
  if (biases.every((b) => !b)) return { w, b: undefined };
  const b = make(3 * C);
  biases.forEach((x, i) => {
    if (!x) return;
    const v = asValues(x, dtype);
    if (v.length !== C) throw new KernelConfigError(`Site bias ${'qkv'[i]} has ${v.length} values, expected C = ${C}.`);
    b.set(v, i * C);
  });
  return { w, b };
}

export class SelfAttentionSite {
  readonly label: string;
  readonly dtype: TensorDType;
  readonly C: number;
  readonly heads: number;
  private readonly wqkv: GPUBuffer;
  private readonly bqkv?: GPUBuffer;
  private readonly pool: PoolKv;
  private readonly matmul: MatMul;
  private readonly attention: FlashAttention;
  private readonly scratch = new Map<string, GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    opts: SiteOptions,
  ) {
    const { C, heads } = opts;
    if (!Number.isInteger(C / heads) || C % 4 !== 0) throw new KernelConfigError(`Site C = ${C} must be a multiple of 4 and of heads = ${heads}.`);
    this.label = opts.label ?? 'SelfAttentionSite';
    this.dtype = opts.dtype;
    this.C = C;
    this.heads = heads;
    const { w, b } = fuseWeights(opts.weights, C, opts.dtype);
    this.wqkv = uploadBuffer(device, `${this.label}.Wqkv`, w);
    this.bqkv = b && uploadBuffer(device, `${this.label}.bqkv`, b);
    this.pool = new PoolKv(device, opts);
    this.matmul = new MatMul(device, { ...opts, bias: Boolean(b) });
    this.attention = new FlashAttention(device, { ...opts, ...opts.attention, headDim: C / heads });
  }

  /** Scratch buffer `name` of at least `values` values; grows (replacing the old one) on demand. */
  private buffer(name: string, values: number): GPUBuffer {
    const bytes = values * bytesPerValue(this.dtype);
    const have = this.scratch.get(name);
    if (have && have.size >= bytes) return have;
    have?.destroy();
    const buf = storageBuffer(this.device, `${this.label}.${name}`, bytes);
    this.scratch.set(name, buf);
    return buf;
  }

  /** Allocates the scratch for B·N tokens now (a later, larger call would replace it). */
  reserve(B: number, N: number): void {
    this.buffer('qkv', B * N * 3 * this.C);
    this.buffer('kv', B * N * 2 * this.C);
    this.buffer('kin', B * N * this.C);
    this.buffer('vin', B * N * this.C);
    this.buffer('o', B * N * this.C);
  }

  /**
   * Encodes the site into `enc` and returns o: [B, N, C]. Submit before encoding a call with more
   * tokens than reserved (scratch is replaced then).
   */
  encode(enc: GPUCommandEncoder, call: SiteCall): GPUBuffer {
    const { B, h, w, window } = call;
    const C = this.C;
    const N = h * w;
    const o = call.out ?? this.buffer('o', B * N * C);
    const qkv = this.buffer('qkv', B * N * 3 * C);
    // One pass for the whole site, or (timed) one per part so each gets its own timestamps.
    let pass = enc.beginComputePass({ label: this.label });
    const part = (i: number, name: string) => {
      if (!call.timestamps) return;
      pass.end();
      pass = enc.beginComputePass({
        label: `${this.label}.${name}`,
        timestampWrites: { querySet: call.timestamps, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
    };
    const weights = { w: this.wqkv, bias: this.bqkv };
    const project = (x: GPUBuffer, y: GPUBuffer, rows: number, colW: number, ncols: number, ldy: number, colY: number) =>
      this.matmul.encode(pass, { ...weights, x, y }, { rows, k: C, ncols, ldw: 3 * C, colW, ldy, colY });
    let M = N;
    let k = { buffer: qkv, ld: 3 * C, offset: C };
    let v = { buffer: qkv, ld: 3 * C, offset: 2 * C };
    if (!window.active) {
      part(1, 'project');
      project(call.n, qkv, B * N, 0, 3 * C, 3 * C, 0); // one fused QKV projection, no pooling pass
    } else {
      const kin = this.buffer('kin', B * window.m * C);
      const vin = sharesKv(window) ? kin : this.buffer('vin', B * window.m * C);
      part(0, 'pool');
      M = this.pool.encode(pass, { n: call.n, k: kin, v: vin }, { B, h, w, C }, window);
      const kv = this.buffer('kv', B * M * 2 * C);
      part(1, 'project');
      project(call.n, qkv, B * N, 0, C, 3 * C, 0);
      if (kin === vin) project(kin, kv, B * M, C, 2 * C, 2 * C, 0);
      else {
        project(kin, kv, B * M, C, C, 2 * C, 0);
        project(vin, kv, B * M, 2 * C, C, 2 * C, C);
      }
      k = { buffer: kv, ld: 2 * C, offset: 0 };
      v = { buffer: kv, ld: 2 * C, offset: C };
    }
    part(2, 'attention');
    this.attention.encode(pass, { q: { buffer: qkv, ld: 3 * C }, k, v, o: { buffer: o, ld: C }, B, N, M, heads: this.heads });
    pass.end();
    return o;
  }

  destroy(): void {
    for (const b of this.scratch.values()) b.destroy();
    this.scratch.clear();
    this.wqkv.destroy();
    this.bqkv?.destroy();
    this.pool.destroy();
    this.matmul.destroy();
    this.attention.destroy();
  }
}
