// Flash attention kernel: o = softmax(q kᵀ/√d) v per head, never materialising the N×M scores.
// Reads q/k/v through row strides and column offsets so a fused QKV (or KV) projection output is
// consumed in place. Two numbered versions with one contract (bindings, uniforms): v2
// (shaders/attention.wgsl, the default) and v3 (shaders/attention_v3.wgsl, register-blocked;
// tile choice in attention-v3.ts).
import source from '../../../shaders/attention.wgsl?raw';
import { KernelConfigError, kernelSource, requireMultiple, storageVariant, type DTypeOptions, type StorageVariant } from './dtype.ts';
import { UniformCache, uniformLayout } from './uniforms.ts';
import { computePipeline } from './pipelines.ts';
import { attentionV3Source, attentionV3Tiling, v3Queries, V3_DEFAULT_WORKGROUP_BYTES, type AttentionReduction, type AttentionV3Tiling } from './attention-v3.ts';

/** Which numbered attention shader runs (see the shader headers). */
export type AttentionVersion = 'v2' | 'v3';
export const ATTENTION_VERSIONS: readonly AttentionVersion[] = ['v2', 'v3'];
export const DEFAULT_ATTENTION_VERSION: AttentionVersion = 'v2';

export interface AttentionTiling {
  /** threads per query; each owns headDim/split dims */
  split: number;
  /** queries per workgroup */
  queries: number;
  /** keys per workgroup-memory tile */
  keys: number;
}

export interface AttentionOptions extends DTypeOptions {
  headDim: number;
  /** default 'v2' (v3 is unmeasured on a GPU so far) */
  version?: AttentionVersion;
  /** threads per workgroup (default 128) */
  workgroupSize?: number;
  /** workgroup memory to aim for (default min(device limit, 16 KiB); v3: 32 KiB) */
  workgroupBytes?: number;
  /** v2 only */
  tiling?: AttentionTiling;
  /** v3 only: how partial scores are summed (default 'subgroup' where the device has `subgroups`) */
  reduction?: AttentionReduction;
  /** v3 only: queries per thread (default 2, or 1 at > 20 dims per thread) */
  rows?: number;
  /**
   * The softmax scale (default 1/√headDim). A site whose head_dim is padded to a multiple of 4
   * (src/gpu/site.ts) keeps 1/√(its real head_dim): the zero columns add nothing to q·k.
   */
  softmaxScale?: number;
}

/** Which attention kernel a site runs and its tuning (what the site, the plan and the checks pass on). */
export type AttentionKernelOptions = Pick<AttentionOptions, 'version' | 'reduction' | 'rows' | 'workgroupSize' | 'workgroupBytes'>;

/** A tensor view: row stride and first column, in values. */
export interface RowView {
  buffer: GPUBuffer;
  /** row stride (a multiple of 4) */
  ld: number;
  /** first column of head 0 (a multiple of 4; default 0); head h starts at offset + h·head_dim */
  offset?: number;
}

/** q, o: [B, N, ·]; k, v: [B, M, ·]; each row holds `heads` heads of head_dim values from its offset. */
export interface AttentionArgs {
  q: RowView;
  k: RowView;
  v: RowView;
  o: RowView;
  /** batch */
  B: number;
  /** queries (and output rows) per batch item */
  N: number;
  /** keys and values per batch item (≥ 1) */
  M: number;
  heads: number;
}

/** shaders/attention.wgsl `struct Params`; strides and offsets in V4 units (4 values). */
export const ATTENTION_PARAMS = uniformLayout('Params', {
  n: 'u32',
  m: 'u32',
  _pad0: 'u32',
  _pad1: 'u32',
  q_ld4: 'u32',
  q_off4: 'u32',
  k_ld4: 'u32',
  k_off4: 'u32',
  v_ld4: 'u32',
  v_off4: 'u32',
  o_ld4: 'u32',
  o_off4: 'u32',
  scale_log2: 'f32',
});

const MAX_DIMS_PER_THREAD = 40;
const MIN_KEYS = 8;
/**
 * Default tile: 128 threads and ≤ 16 KiB of workgroup memory (d=40: 128 queries × 16 keys; the
 * WebGPU default limit is 16 KiB). Chosen from bench/kernels.ts --tune on an H200: small key
 * tiles beat big ones (more resident workgroups hide latency better than fewer barriers save).
 */
const DEFAULT_WORKGROUP_SIZE = 128;
const DEFAULT_WORKGROUP_BYTES = 16 * 1024;

/** Threads per query, queries per workgroup and keys per tile for one head_dim and memory budget. */
export function attentionTiling(headDim: number, workgroupSize: number, workgroupBytes: number): AttentionTiling {
  requireMultiple('head_dim', headDim, 4);
  let split = 1;
  while (headDim / split > MAX_DIMS_PER_THREAD || headDim % (4 * split) !== 0) {
    split *= 2;
    if (split > workgroupSize || headDim % (4 * split) !== 0) {
      throw new KernelConfigError(`head_dim ${headDim} cannot be split into ≤ ${MAX_DIMS_PER_THREAD} dims per thread in multiples of 4.`);
    }
  }
  const queries = Math.floor(workgroupSize / split);
  // workgroup memory: k and v tiles (2·keys·headDim) + scores (keys·workgroupSize), f32;
  // keys: a multiple of 4 (the score loop takes 4 at a time), at least 8
  const perKey = 4 * (2 * headDim + queries * split);
  const keys = Math.max(MIN_KEYS, Math.min(64, Math.floor(workgroupBytes / perKey / 4) * 4));
  return { split, queries, keys };
}

/**
 * The head_dim the vectorised kernel runs for a real head_dim `d`: d itself when it is a multiple
 * of 4 that the tiling can split, else the next such size (the site zero-pads up to it).
 */
export function kernelHeadDim(d: number, workgroupSize = DEFAULT_WORKGROUP_SIZE): number {
  if (!Number.isInteger(d) || d < 1) throw new KernelConfigError(`head_dim must be a positive integer, got ${d}.`);
  for (let dp = Math.ceil(d / 4) * 4; ; dp += 4) {
    try {
      attentionTiling(dp, workgroupSize, DEFAULT_WORKGROUP_BYTES);
      return dp;
    } catch (e) {
      if (!(e instanceof KernelConfigError) || dp > 4 * d + 64) throw e;
    }
  }
}

/** v3's tile on `device` for `opts` (the subgroup path where the device has `subgroups`). */
function v3TilingOn(device: GPUDevice, opts: AttentionOptions): AttentionV3Tiling {
  const limit = device.limits.maxComputeWorkgroupStorageSize;
  return attentionV3Tiling({
    headDim: opts.headDim,
    workgroupSize: opts.workgroupSize,
    workgroupBytes: Math.min(limit, opts.workgroupBytes ?? V3_DEFAULT_WORKGROUP_BYTES),
    reduction: opts.reduction,
    rows: opts.rows,
    subgroups: device.features.has('subgroups'),
    // WebGPU guarantees subgroups of at least 4; a device that reports its adapter's size may allow 8
    subgroupMinSize: Math.max(4, device.adapterInfo?.subgroupMinSize ?? 4),
  });
}

export class FlashAttention {
  readonly variant: StorageVariant;
  readonly version: AttentionVersion;
  readonly headDim: number;
  /** threads per query, queries per workgroup, keys per tile (both versions) */
  readonly tiling: AttentionTiling;
  /** v3's tile, with its register blocking and reduction path */
  readonly v3?: AttentionV3Tiling;
  private readonly scaleLog2: number;
  private readonly pipeline: GPUComputePipeline;
  private readonly uniforms: UniformCache<typeof ATTENTION_PARAMS.fields>;

  constructor(
    private readonly device: GPUDevice,
    opts: AttentionOptions,
  ) {
    this.variant = storageVariant(device, opts);
    this.headDim = opts.headDim;
    this.version = opts.version ?? DEFAULT_ATTENTION_VERSION;
    this.scaleLog2 = Math.LOG2E * (opts.softmaxScale ?? 1 / Math.sqrt(opts.headDim));
    if (this.version === 'v3') {
      const t = (this.v3 = v3TilingOn(device, opts));
      const label = `Attention.v3.d${opts.headDim}.${this.variant}.${t.reduction}`;
      this.tiling = { split: t.split, queries: v3Queries(t), keys: t.keys };
      this.pipeline = computePipeline(device, { label, code: attentionV3Source(this.variant, opts.headDim, t), entryPoint: 'main' });
      this.uniforms = new UniformCache(device, label, ATTENTION_PARAMS);
      return;
    }
    const limit = device.limits.maxComputeWorkgroupStorageSize;
    this.tiling = opts.tiling ?? attentionTiling(opts.headDim, opts.workgroupSize ?? DEFAULT_WORKGROUP_SIZE, Math.min(limit, opts.workgroupBytes ?? DEFAULT_WORKGROUP_BYTES));
    const { split, queries, keys } = this.tiling;
    const label = `Attention.d${opts.headDim}.${this.variant}`;
    const bytes = 4 * keys * (2 * opts.headDim + queries * split);
    if (keys % 4 !== 0 || bytes > limit) {
      throw new KernelConfigError(`${label}: a ${queries}-query × ${keys}-key tile needs ${bytes} bytes of workgroup memory (limit ${limit}) and keys a multiple of 4.`);
    }
    const dims4 = opts.headDim / (4 * split);
    if (!Number.isInteger(dims4)) throw new KernelConfigError(`${label}: head_dim must be a multiple of 4·split (${4 * split}).`);
    this.pipeline = computePipeline(device, {
      label,
      code: kernelSource(this.variant, source, `const DIMS4: u32 = ${dims4}u;`),
      entryPoint: 'main',
      constants: { HEAD_DIM: opts.headDim, SPLIT: split, QUERIES: queries, KEYS: keys },
    });
    this.uniforms = new UniformCache(device, label, ATTENTION_PARAMS);
  }

  /** Encodes one dispatch into `pass`. All buffers borrowed, owned by the caller. */
  encode(pass: GPUComputePassEncoder, a: AttentionArgs): void {
    const d = this.headDim;
    const views = { q: a.q, k: a.k, v: a.v, o: a.o };
    for (const [name, view] of Object.entries(views)) {
      requireMultiple(`attention ${name}.ld`, view.ld, 4);
      requireMultiple(`attention ${name}.offset`, view.offset ?? 0, 4);
      if ((view.offset ?? 0) + a.heads * d > view.ld) {
        throw new KernelConfigError(`attention ${name}: offset ${view.offset ?? 0} + heads·head_dim ${a.heads * d} exceeds its row stride ${view.ld}.`);
      }
    }
    if (a.M < 1) throw new KernelConfigError('attention needs at least one key (M ≥ 1).');
    if (a.N === 0) return;
    const params = this.uniforms.get({
      n: a.N,
      m: a.M,
      q_ld4: a.q.ld / 4,
      q_off4: (a.q.offset ?? 0) / 4,
      k_ld4: a.k.ld / 4,
      k_off4: (a.k.offset ?? 0) / 4,
      v_ld4: a.v.ld / 4,
      v_off4: (a.v.offset ?? 0) / 4,
      o_ld4: a.o.ld / 4,
      o_off4: (a.o.offset ?? 0) / 4,
      scale_log2: this.scaleLog2,
    });
    const bind = this.device.createBindGroup({
      label: 'Attention',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: a.q.buffer } },
        { binding: 1, resource: { buffer: a.k.buffer } },
        { binding: 2, resource: { buffer: a.v.buffer } },
        { binding: 3, resource: { buffer: a.o.buffer } },
        { binding: 4, resource: { buffer: params } },
      ],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(a.N / this.tiling.queries), a.heads, a.B);
  }

  /** 4·B·heads·N·M·head_dim (QKᵀ and PV). */
  static flops(B: number, N: number, M: number, heads: number, headDim: number): number {
    return 4 * B * heads * N * M * headDim;
  }

  destroy(): void {
    this.uniforms.clear();
  }
}
