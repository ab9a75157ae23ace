// One self-attention (attn1) site on the GPU: pool → Q/K/V projections → flash attention, encoded
// into the caller's command encoder (SPEC_SA.md §1). It owns the uploaded projection weights (as
// one fused [C, 3C] matrix) and its scratch buffers; the input `n` is borrowed (e.g. an ORT output)
// and `o` [B, N, C] goes to the model's own to_out.
//
// Two paths, chosen from C and head_dim (SiteLayout): the fast one when C and head_dim are
// multiples of 4 the attention tiling can split (SD1.x 40, SD2.x/SDXL 64, …) runs the vectorised
// kernels on the tensors as they are. The general one (any C, any head_dim ≥ 1) zero-pads: n is
// widened to C4 = ⌈C/4⌉·4 columns, every head to dp (kernelHeadDim) columns of zero-padded weights,
// so the same kernels run on padded tensors (zeros add nothing to q·k or to o), and the output is
// narrowed back to [B, N, C] — two Repack passes, extra work only for unusual shapes.
import type { SaWindow } from '../sa/index.ts';
import { storageBuffer, uploadBuffer } from './buffers.ts';
import { FlashAttention, kernelHeadDim, type AttentionOptions } from './kernels/attention.ts';
import { KernelConfigError, bytesPerValue, storageVariant, type DTypeOptions, type StorageVariant, type TensorDType } from './kernels/dtype.ts';
import { fromHalf, toHalf } from './kernels/half.ts';
import { MatMul, type MatMulShape } from './kernels/matmul.ts';
import { PoolKv, sharesKv } from './kernels/pool-kv.ts';
import { Repack } from './kernels/repack.ts';

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
  /** attention version and tuning (workgroup size / memory, v2's tiling, v3's reduction and rows); head_dim = C / heads */
  attention?: Pick<AttentionOptions, 'version' | 'workgroupSize' | 'workgroupBytes' | 'tiling' | 'reduction' | 'rows'>;
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

/**
 * How a site's tensors are laid out for the kernels. Fast path: cIn = C, dp = d. General path:
 * n widened to cIn = ⌈C/4⌉·4 columns and each head to dp columns (q, k, v, o: [*, heads·dp]).
 */
export interface SiteLayout {
  C: number;
  heads: number;
  /** the real head_dim C / heads */
  d: number;
  /** columns of the (widened) input the pooling and projections read */
  cIn: number;
  /** head_dim the attention kernel runs (d, or d zero-padded) */
  dp: number;
  /** columns of q, k, v and the attention output: heads·dp */
  cQ: number;
  /** n must be widened before pooling (C is not a multiple of 4) */
  padInput: boolean;
  /** heads are zero-padded (o is narrowed back to [*, C]) */
  padHeads: boolean;
}

export function siteLayout(C: number, heads: number, workgroupSize?: number): SiteLayout {
  if (!Number.isInteger(C) || !Number.isInteger(heads) || C < 1 || heads < 1 || C % heads !== 0) {
    throw new KernelConfigError(`Site C = ${C} must split into heads = ${heads} whole heads (both positive integers).`);
  }
  const d = C / heads;
  const cIn = Math.ceil(C / 4) * 4;
  const dp = kernelHeadDim(d, workgroupSize);
  return { C, heads, d, cIn, dp, cQ: heads * dp, padInput: cIn !== C, padHeads: dp !== d };
}

/** W = [Wq | Wk | Wv]: [cIn, 3·cQ]; b = [bq | bk | bv] (zeros where missing) or undefined; zero-padded per the layout. */
function fuseWeights(ws: SiteWeights, L: SiteLayout, dtype: TensorDType) {
  const { C, heads, d, cIn, dp, cQ } = L;
  const parts = [ws.wq, ws.wk, ws.wv].map((x) => asValues(x, dtype));
  parts.forEach((p, i) => {
    if (p.length !== C * C) throw new KernelConfigError(`Site weight ${'qkv'[i]} has ${p.length} values, expected C·C = ${C * C}.`);
  });
  const make = (len: number) => (dtype === 'f32' ? new Float32Array(len) : new Uint16Array(len));
  const w = make(cIn * 3 * cQ);
  for (let r = 0; r < C; r++)
    parts.forEach((p, i) => {
      for (let h = 0; h < heads; h++) w.set(p.subarray(r * C + h * d, r * C + (h + 1) * d), r * 3 * cQ + i * cQ + h * dp);
    });
  const biases = [ws.bq, ws.bk, ws.bv];
  if (biases.every((b) => !b)) return { w, b: undefined };
  const b = make(3 * cQ);
  biases.forEach((x, i) => {
    if (!x) return;
    const v = asValues(x, dtype);
    if (v.length !== C) throw new KernelConfigError(`Site bias ${'qkv'[i]} has ${v.length} values, expected C = ${C}.`);
    for (let h = 0; h < heads; h++) b.set(v.subarray(h * d, (h + 1) * d), i * cQ + h * dp);
  });
  return { w, b };
}

export class SelfAttentionSite {
  readonly label: string;
  readonly dtype: TensorDType;
  /** the storage variant every kernel of this site runs ('f32', 'f16-packed' or 'f16-native') */
  readonly variant: StorageVariant;
  readonly C: number;
  readonly heads: number;
  readonly layout: SiteLayout;
  /** the attention kernel compiled for this site: 'v2', or 'v3/subgroup' / 'v3/workgroup' */
  readonly attentionKernel: string;
  private readonly wqkv: GPUBuffer;
  private readonly bqkv?: GPUBuffer;
  private readonly pool: PoolKv;
  private readonly matmul: MatMul;
  private readonly attention: FlashAttention;
  /** general path only */
  private readonly repack?: Repack;
  private readonly scratch = new Map<string, GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    opts: SiteOptions,
  ) {
    const { C, heads } = opts;
    this.layout = siteLayout(C, heads, opts.attention?.workgroupSize);
    this.label = opts.label ?? 'SelfAttentionSite';
    this.dtype = opts.dtype;
    this.variant = storageVariant(device, opts);
    this.C = C;
    this.heads = heads;
    const { w, b } = fuseWeights(opts.weights, this.layout, opts.dtype);
    this.wqkv = uploadBuffer(device, `${this.label}.Wqkv`, w);
    this.bqkv = b && uploadBuffer(device, `${this.label}.bqkv`, b);
    this.pool = new PoolKv(device, opts);
    this.matmul = new MatMul(device, { ...opts, bias: Boolean(b) });
    const { dp, d } = this.layout;
    this.attention = new FlashAttention(device, { ...opts, ...opts.attention, headDim: dp, softmaxScale: 1 / Math.sqrt(d) });
    this.attentionKernel = this.attention.v3 ? `v3/${this.attention.v3.reduction}` : this.attention.version;
    if (this.layout.padInput || this.layout.padHeads) this.repack = new Repack(device, opts.dtype);
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
    const { cIn, cQ, padInput, padHeads } = this.layout;
    this.buffer('qkv', B * N * 3 * cQ);
    this.buffer('kv', B * N * 2 * cQ);
    this.buffer('kin', B * N * cIn);
    this.buffer('vin', B * N * cIn);
    this.buffer('o', B * N * this.C);
    if (padInput) this.buffer('nWide', B * N * cIn);
    if (padHeads) this.buffer('oWide', B * N * cQ);
  }

  /**
   * Encodes the site into `enc` and returns o: [B, N, C]. Submit before encoding a call with more
   * tokens than reserved (scratch is replaced then).
   */
  encode(enc: GPUCommandEncoder, call: SiteCall): GPUBuffer {
    const { B, h, w, window } = call;
    const { C, cIn, cQ, padInput, padHeads } = this.layout;
    const N = h * w;
    const o = call.out ?? this.buffer('o', B * N * C);
    const qkv = this.buffer('qkv', B * N * 3 * cQ);
    // One pass for the whole site, or (timed) one per part so each gets its own timestamps.
    let pass = enc.beginComputePass({ label: this.label });
    let widened = false;
    let n = call.n;
    const part = (i: number, name: string) => {
      if (call.timestamps) {
        pass.end();
        pass = enc.beginComputePass({
          label: `${this.label}.${name}`,
          timestampWrites: { querySet: call.timestamps, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
        });
      }
      if (padInput && !widened) {
        // general path: n [B·N, C] → [B·N, cIn], in the first part that runs (pool or projections)
        n = this.buffer('nWide', B * N * cIn);
        this.repack!.encode(pass, call.n, n, { rows: B * N, groups: 1, din: C, dout: cIn, len: C });
        widened = true;
      }
    };
    // y[:, colY..colY+ncols) = x · Wqkv[:, colW..colW+ncols) (+ bias): a slice of the fused [cIn, 3·cQ] projection
    const project = (x: GPUBuffer, y: GPUBuffer, shape: Pick<MatMulShape, 'rows' | 'colW' | 'ncols' | 'ldy' | 'colY'>) =>
      this.matmul.encode(pass, { w: this.wqkv, bias: this.bqkv, x, y }, { ...shape, k: cIn, ldw: 3 * cQ });
    let M = N;
    let k = { buffer: qkv, ld: 3 * cQ, offset: cQ };
    let v = { buffer: qkv, ld: 3 * cQ, offset: 2 * cQ };
    if (!window.active) {
      part(1, 'project');
      project(n, qkv, { rows: B * N, colW: 0, ncols: 3 * cQ, ldy: 3 * cQ, colY: 0 }); // one fused QKV projection, no pooling pass
    } else {
      part(0, 'pool');
      const kin = this.buffer('kin', B * window.m * cIn);
      const vin = sharesKv(window) ? kin : this.buffer('vin', B * window.m * cIn);
      M = this.pool.encode(pass, { n, k: kin, v: vin }, { B, h, w, C: cIn }, window);
      const kv = this.buffer('kv', B * M * 2 * cQ);
      part(1, 'project');
      project(n, qkv, { rows: B * N, colW: 0, ncols: cQ, ldy: 3 * cQ, colY: 0 }); // Q only
      if (kin === vin) project(kin, kv, { rows: B * M, colW: cQ, ncols: 2 * cQ, ldy: 2 * cQ, colY: 0 }); // K and V of the shared input
      else {
        project(kin, kv, { rows: B * M, colW: cQ, ncols: cQ, ldy: 2 * cQ, colY: 0 }); // K
        project(vin, kv, { rows: B * M, colW: 2 * cQ, ncols: cQ, ldy: 2 * cQ, colY: cQ }); // V
      }
      k = { buffer: kv, ld: 2 * cQ, offset: 0 };
      v = { buffer: kv, ld: 2 * cQ, offset: cQ };
    }
    part(2, 'attention');
    const oKernel = padHeads ? this.buffer('oWide', B * N * cQ) : o;
    this.attention.encode(pass, { q: { buffer: qkv, ld: 3 * cQ }, k, v, o: { buffer: oKernel, ld: cQ }, B, N, M, heads: this.heads });
    // general path: o [B·N, heads·dp] → [B·N, C]
    if (padHeads) this.repack!.encode(pass, oKernel, o, { rows: B * N, groups: this.heads, din: this.layout.dp, dout: this.layout.d, len: this.layout.d });
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
    this.repack?.destroy();
  }
}
