// PoolKv kernel (shaders/pool_kv.wgsl): SA's K-input and V-input token sets (SPEC_SA.md §4) from
// a site's tokens in one pass. Only for active windows: stride 1 runs no pass at all.
import source from '../../../shaders/pool_kv.wgsl?raw';
import type { SaActiveWindow } from '../../sa/index.ts';
import { KernelConfigError, kernelSource, requireMultiple, storageVariant, type DTypeOptions, type StorageVariant } from './dtype.ts';
import { UniformCache, uniformLayout } from './uniforms.ts';
import { computePipeline } from './pipelines.ts';

/** The site's token grid: n is [B, h·w, C]. */
export interface PoolGeometry {
  /** batch */
  B: number;
  /** grid rows */
  h: number;
  /** grid columns */
  w: number;
  /** channels (a multiple of 4) */
  C: number;
}

export interface PoolBuffers {
  /** n: [B, h·w, C] (borrowed) */
  n: GPUBuffer;
  /** k: [B, M, C]; also the V input when the window's blends are equal */
  k: GPUBuffer;
  /** v: [B, M, C]; not written (may be omitted) when sharesKv(window) */
  v?: GPUBuffer;
}

/** shaders/pool_kv.wgsl `struct Params` (the fields are explained there). */
export const POOL_KV_PARAMS = uniformLayout('Params', {
  n_tokens: 'u32',
  m_tokens: 'u32',
  c4: 'u32',
  batch: 'u32',
  w: 'u32',
  wo: 'u32',
  rows: 'u32',
  cols: 'u32',
  mode: 'u32',
  write_v: 'u32',
  k_blend: 'f32',
  v_blend: 'f32',
});

const WG = 64;
const MAX_GROUPS_X = 65535;

/** Equal blends give equal K and V inputs: one set is written and read twice. */
export function sharesKv(window: SaActiveWindow): boolean {
  return window.kBlend === window.vBlend;
}

export class PoolKv {
  readonly variant: StorageVariant;
  private readonly pipeline: GPUComputePipeline;
  private readonly uniforms: UniformCache<typeof POOL_KV_PARAMS.fields>;
  private readonly noV: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    opts: DTypeOptions,
  ) {
    this.variant = storageVariant(device, opts);
    const label = `PoolKv.${this.variant}`;
    this.pipeline = computePipeline(device, { label, code: kernelSource(this.variant, source), entryPoint: 'main', constants: { WG } });
    this.uniforms = new UniformCache(device, label, POOL_KV_PARAMS);
    this.noV = device.createBuffer({ label: `${label}.noV`, size: 16, usage: GPUBufferUsage.STORAGE });
  }

  /** Encodes the pooling pass; returns M. All buffers borrowed, owned by the caller. */
  encode(pass: GPUComputePassEncoder, bufs: PoolBuffers, g: PoolGeometry, window: SaActiveWindow): number {
    requireMultiple('PoolKv C', g.C, 4);
    const N = g.h * g.w;
    const shared = sharesKv(window);
    if (!shared && !bufs.v) throw new KernelConfigError('PoolKv: k_blend ≠ v_blend needs a v buffer.');
    const [w, wo, rows, cols] = window.kind === '2d' ? [g.w, window.wo, window.sty, window.stx] : [N, window.m, 1, window.len];
    const M = window.m;
    const expectM = window.kind === '2d' ? Math.floor(g.h / window.sty) * Math.floor(g.w / window.stx) : Math.floor(N / window.len);
    if (M !== expectM || M < 1) throw new KernelConfigError(`PoolKv: window (m = ${M}) was made for another grid than ${g.h}×${g.w}.`);
    const params = this.uniforms.get({
      n_tokens: N,
      m_tokens: M,
      c4: g.C / 4,
      batch: g.B,
      w,
      wo,
      rows,
      cols,
      mode: window.mode === 'max' ? 1 : 0,
      write_v: shared ? 0 : 1,
      k_blend: window.kBlend,
      v_blend: window.vBlend,
    });
    const bind = this.device.createBindGroup({
      label: 'PoolKv',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: bufs.n } },
        { binding: 1, resource: { buffer: bufs.k } },
        { binding: 2, resource: { buffer: shared ? this.noV : (bufs.v as GPUBuffer) } },
        { binding: 3, resource: { buffer: params } },
      ],
    });
    const groups = Math.ceil((g.B * M * g.C) / 4 / WG);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS_X), Math.ceil(groups / MAX_GROUPS_X));
    return M;
  }

  destroy(): void {
    this.uniforms.clear();
    this.noV.destroy();
  }
}
