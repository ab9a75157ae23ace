// Affine kernel (shaders/affine.wgsl): y = x * scale + offset. Used by the GPU self-check.
import source from '../../../shaders/affine.wgsl?raw';
import { uniformBuffer, uniformLayout } from './uniforms.ts';

/** shaders/affine.wgsl `struct Params`. */
export const AFFINE_PARAMS = uniformLayout('Params', { count: 'u32' });

export class Affine {
  private readonly pipeline: GPUComputePipeline;
  private readonly wg = 64;

  constructor(private readonly device: GPUDevice, readonly scale: number, readonly offset: number) {
    const module = device.createShaderModule({ label: 'Affine', code: source });
    this.pipeline = device.createComputePipeline({
      label: 'Affine',
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: { WG: this.wg, scale, offset } },
    });
  }

  /** Encodes y[0..count) = x * scale + offset. x, y: borrowed, owned by the caller. */
  encode(enc: GPUCommandEncoder, x: GPUBuffer, y: GPUBuffer, count: number): GPUBuffer {
    const params = uniformBuffer(this.device, 'Affine.params', AFFINE_PARAMS.pack({ count }));
    const bind = this.device.createBindGroup({
      label: 'Affine',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: x, size: count * 4 } },
        { binding: 1, resource: { buffer: y, size: count * 4 } },
        { binding: 2, resource: { buffer: params } },
      ],
    });
    const pass = enc.beginComputePass({ label: 'Affine' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(count / this.wg));
    pass.end();
    return params; // owned by the caller: destroy after submit
  }
}
