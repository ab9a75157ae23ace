// Repack kernel (shaders/repack.wgsl): widens or narrows column groups of a row-major tensor,
// zero-filling the new columns — the general path of a self-attention site whose channels or
// head_dim are not multiples of 4 (see src/gpu/site.ts). It moves raw bits, so the same pipeline
// serves f32 (32-bit) and both f16 paths (16-bit).
import source from '../../../shaders/repack.wgsl?raw';
import { KernelConfigError, type TensorDType } from './dtype.ts';
import { UniformCache, uniformLayout } from './uniforms.ts';
import { computePipeline } from './pipelines.ts';

/** y[r, g·dout + j] = x[r, g·din + j] for j < len; 0 for len ≤ j < dout. */
export interface RepackShape {
  rows: number;
  /** column groups per row (e.g. heads) */
  groups: number;
  /** values per group in x */
  din: number;
  /** values per group in y */
  dout: number;
  /** values copied per group (≤ din and ≤ dout) */
  len: number;
}

/** shaders/repack.wgsl `struct Params`: RepackShape and the u32 words of y to write. */
export const REPACK_PARAMS = uniformLayout('Params', { rows: 'u32', groups: 'u32', din: 'u32', dout: 'u32', len: 'u32', words: 'u32' });

const WG = 64;
const MAX_GROUPS_X = 65535;

export class Repack {
  private readonly pipeline: GPUComputePipeline;
  private readonly uniforms: UniformCache<typeof REPACK_PARAMS.fields>;
  private readonly bits: 16 | 32;

  constructor(
    private readonly device: GPUDevice,
    dtype: TensorDType,
  ) {
    this.bits = dtype === 'f32' ? 32 : 16;
    const label = `Repack.${this.bits}bit`;
    this.pipeline = computePipeline(device, { label, code: source, entryPoint: 'main', constants: { ELEM_BITS: this.bits, WG } });
    this.uniforms = new UniformCache(device, label, REPACK_PARAMS);
  }

  /** Encodes one dispatch into `pass`. x and y are borrowed, owned by the caller. */
  encode(pass: GPUComputePassEncoder, x: GPUBuffer, y: GPUBuffer, s: RepackShape): void {
    for (const [what, v] of Object.entries(s)) {
      if (!Number.isInteger(v) || v < 0) throw new KernelConfigError(`Repack ${what} must be a non-negative integer, got ${v}.`);
    }
    if (s.len > s.din || s.len > s.dout) throw new KernelConfigError(`Repack copies len = ${s.len} values per group: it must not exceed din = ${s.din} or dout = ${s.dout}.`);
    const values = s.rows * s.groups * s.dout;
    const words = this.bits === 32 ? values : Math.ceil(values / 2);
    if (words === 0) return;
    const params = this.uniforms.get({ rows: s.rows, groups: s.groups, din: s.din, dout: s.dout, len: s.len, words });
    const bind = this.device.createBindGroup({
      label: 'Repack',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: x } },
        { binding: 1, resource: { buffer: y } },
        { binding: 2, resource: { buffer: params } },
      ],
    });
    const groups = Math.ceil(words / WG);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS_X), Math.ceil(groups / MAX_GROUPS_X));
  }

  destroy(): void {
    this.uniforms.clear();
  }
}
