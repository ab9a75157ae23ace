// Compute pipelines shared per device: sites with the same head_dim and dtype reuse one pipeline
// (SD1.5 has 16 self-attention sites but 3 head dims). Compilation is the slow part on SwiftShader
// (seconds per kernel) and still costs milliseconds on real GPUs.

const caches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export interface PipelineSpec {
  label: string;
  code: string;
  entryPoint: string;
  constants?: Record<string, number>;
}

/** The pipeline for `spec` on `device`, compiled on first use. Pipelines hold no buffers. */
export function computePipeline(device: GPUDevice, spec: PipelineSpec): GPUComputePipeline {
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const key = `${spec.entryPoint}\n${JSON.stringify(spec.constants ?? {})}\n${spec.code}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ label: spec.label, code: spec.code });
    pipeline = device.createComputePipeline({
      label: spec.label,
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint, constants: spec.constants },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}
