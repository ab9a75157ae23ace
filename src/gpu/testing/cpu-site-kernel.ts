// A SiteKernel that computes on the CPU (read back n, CPU reference, upload o): isolates the
// segment/ORT plumbing of UnetRunner from our WGSL kernels in tests.
import { siteReference } from '../../onnx/testing/site-reference.ts';
import { projectionWeight, type AttnSite } from '../../onnx/sites.ts';
import type { LoadedModel } from '../../onnx/model-file.ts';
import type { SiteKernel } from '../unet-runner.ts';
import { readF32 } from '../buffers.ts';

export function cpuSiteKernel(device: GPUDevice, loaded: LoadedModel): (site: AttnSite) => SiteKernel {
  return (site) => {
    const W = {
      q: projectionWeight(loaded, site, site.q) as Float32Array,
      k: projectionWeight(loaded, site, site.k) as Float32Array,
      v: projectionWeight(loaded, site, site.v) as Float32Array,
    };
    return {
      async run(n, o, { B, h, w }, window) {
        const C = site.channels;
        const x = await readF32(device, n, B * h * w * C);
        const y = siteReference(x, { B, h, w, C, heads: site.heads }, W, window);
        device.queue.writeBuffer(o, 0, y);
      },
      destroy() {},
    };
  };
}
