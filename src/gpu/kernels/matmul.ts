// MatMul kernel (shaders/matmul.wgsl): Y = X · W (+ bias) with strided column ranges, for the
// Q/K/V projections of a self-attention site.
import source from '../../../shaders/matmul.wgsl?raw';
import { KernelConfigError, kernelSource, requireMultiple, storageVariant, type DTypeOptions, type StorageVariant } from './dtype.ts';
import { UniformCache, uniformLayout } from './uniforms.ts';
import { computePipeline } from './pipelines.ts';

/** Which numbered version of shaders/matmul.wgsl runs (see its header). */
export type MatMulVersion = 'naive' | 'tiled';

export interface MatMulOptions extends DTypeOptions {
  bias?: boolean;
  version?: MatMulVersion;
  /** tiled: Y tile per workgroup (multiples of 4, (tileM/4)·(tileN/4) ≤ 256) and k-step. */
  tileM?: number;
  tileN?: number;
  tileK?: number;
}

/**
 * Sizes in values (not bytes). Y[r, colY + j] = Σᵢ X[r, i]·W[i, colW + j] (+ bias[colW + j]) for
 * j < ncols: columns colW..colW+ncols of W go to columns colY.. of Y. All but rows: multiples of 4.
 */
export interface MatMulShape {
  /** rows of X and Y */
  rows: number;
  /** columns of X read (rows of W) */
  k: number;
  /** columns of Y written */
  ncols: number;
  /** row stride of X (default k) */
  ldx?: number;
  /** row stride of W (default ncols) */
  ldw?: number;
  /** first column of W (and of the bias) read (default 0) */
  colW?: number;
  /** row stride of Y (default ncols) */
  ldy?: number;
  /** first column of Y written (default 0) */
  colY?: number;
}

/** shaders/matmul.wgsl `struct Params`; strides and column offsets in V4 units (4 values). */
export const MATMUL_PARAMS = uniformLayout('Params', {
  rows: 'u32',
  k: 'u32',
  ncols: 'u32',
  ldx4: 'u32',
  ldw4: 'u32',
  col_w4: 'u32',
  ldy4: 'u32',
  col_y4: 'u32',
});

export interface MatMulBuffers {
  x: GPUBuffer;
  w: GPUBuffer;
  bias?: GPUBuffer;
  y: GPUBuffer;
}

export class MatMul {
  readonly variant: StorageVariant;
  readonly version: MatMulVersion;
  private readonly pipeline: GPUComputePipeline;
  private readonly uniforms: UniformCache<typeof MATMUL_PARAMS.fields>;
  private readonly noBias: GPUBuffer;
  private readonly hasBias: boolean;
  private readonly tile: [number, number];

  constructor(
    private readonly device: GPUDevice,
    opts: MatMulOptions,
  ) {
    this.variant = storageVariant(device, opts);
    this.version = opts.version ?? 'tiled';
    this.hasBias = opts.bias ?? false;
    const { tileM = 64, tileN = 64, tileK = 16 } = opts;
    for (const [what, v] of Object.entries({ tileM, tileN, tileK })) requireMultiple(`MatMul ${what}`, v, 4);
    if ((tileM / 4) * (tileN / 4) > device.limits.maxComputeInvocationsPerWorkgroup) {
      throw new KernelConfigError(`MatMul tile ${tileM}×${tileN} needs ${(tileM / 4) * (tileN / 4)} threads; this device allows ${device.limits.maxComputeInvocationsPerWorkgroup}.`);
    }
    this.tile = [tileM, tileN];
    const label = `MatMul.${this.version}.${this.variant}`;
    const constants: Record<string, number> = { HAS_BIAS: this.hasBias ? 1 : 0 };
    if (this.version === 'tiled') Object.assign(constants, { TILE_M: tileM, TILE_N: tileN, TILE_K: tileK });
    this.pipeline = computePipeline(device, { label, code: kernelSource(this.variant, source), entryPoint: this.version, constants });
    this.uniforms = new UniformCache(device, label, MATMUL_PARAMS);
    this.noBias = device.createBuffer({ label: `${label}.noBias`, size: 16, usage: GPUBufferUsage.STORAGE });
  }

  /** Encodes one dispatch into `pass`. x, w, bias, y: borrowed, owned by the caller. */
  encode(pass: GPUComputePassEncoder, bufs: MatMulBuffers, shape: MatMulShape): void {
    const { rows, k, ncols } = shape;
    const ldx = shape.ldx ?? k;
    const ldw = shape.ldw ?? ncols;
    const ldy = shape.ldy ?? ncols;
    const colW = shape.colW ?? 0;
    const colY = shape.colY ?? 0;
    for (const [what, v] of Object.entries({ k, ncols, ldx, ldw, ldy, colW, colY })) requireMultiple(`MatMul ${what}`, v, 4);
    if (this.hasBias !== Boolean(bufs.bias)) throw new KernelConfigError(`MatMul was built with bias=${this.hasBias}: pass bias exactly then.`);
    if (rows === 0 || ncols === 0) return;
    const params = this.uniforms.get({ rows, k, ncols, ldx4: ldx / 4, ldw4: ldw / 4, col_w4: colW / 4, ldy4: ldy / 4, col_y4: colY / 4 });
    const bind = this.device.createBindGroup({
      label: `MatMul.${this.version}`,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: bufs.x } },
        { binding: 1, resource: { buffer: bufs.w } },
        { binding: 2, resource: { buffer: bufs.bias ?? this.noBias } },
        { binding: 3, resource: { buffer: bufs.y } },
        { binding: 4, resource: { buffer: params } },
      ],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    if (this.version === 'naive') pass.dispatchWorkgroups(Math.ceil(ncols / 4 / 64), rows);
    else pass.dispatchWorkgroups(Math.ceil(ncols / this.tile[1]), Math.ceil(rows / this.tile[0]));
  }

  /** 2·rows·k·ncols */
  static flops(shape: MatMulShape): number {
    return 2 * shape.rows * shape.k * shape.ncols;
  }

  destroy(): void {
    this.uniforms.clear();
    this.noBias.destroy();
  }
}
