// Ports for unit tests: a fake engine, a GPU that is ready (or not), and a small model catalog
// with one model of each kind of refusal (fp16-only, fixed size).
import type { ModelEntry } from '../../pipeline/registry.ts';
import type { AdapterReport } from '../../gpu/device.ts';
import type { AppPorts, ModelCatalog } from '../ports.ts';
import { createFakeEngine, type FakeEngine, type FakeEngineOptions } from './fake-engine.ts';

const entry = (id: string, needs: ModelEntry['needs'], size = 128): ModelEntry => ({
  id, label: `Test ${id}`, base: `models/${id}`, approxDownloadMB: 1, needs, notes: '',
  defaults: { scheduler: 'euler', steps: 4, guidance: 7.5, width: size, height: size },
});

export const TEST_ENTRIES: readonly ModelEntry[] = [
  entry('toy', { shaderF16: false }),
  entry('tiny', { shaderF16: false }),
  entry('f16', { shaderF16: true }, 512),
  entry('fixed', { shaderF16: false, fixedSize: { width: 512, height: 512, batch: 2 } }, 512),
];

/** Refusal rules written out for the test entries (the real ones live in src/pipeline/registry.ts). */
export const TEST_CATALOG: ModelCatalog = {
  entries: TEST_ENTRIES,
  refusalReason: (e, caps) => (e.needs.shaderF16 && !caps.shaderF16 ? `${e.label} needs shader-f16.` : undefined),
  sizeRefusal: (e, w, h) => {
    const f = e.needs.fixedSize;
    return f && (f.width !== w || f.height !== h) ? `${e.label} was exported for ${f.width}×${f.height} only.` : undefined;
  },
};

export const TEST_ADAPTER: AdapterReport = {
  vendor: 'test', architecture: 'test', device: '', description: 'test adapter', isFallbackAdapter: true,
  shaderF16: false, timestampQuery: false, subgroups: false, features: [],
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 256, maxStorageBuffersPerShaderStage: 10 },
};

export function fakePorts(opts: FakeEngineOptions = {}): AppPorts & { engine: FakeEngine } {
  const gpu: FakeEngineOptions['gpu'] = opts.gpu ?? {
    kind: 'ready', adapter: TEST_ADAPTER,
    selfCheck: { maxAbsError: 0, kernelToOrtError: 0, ortToKernelError: 0, sample: [], ok: true, elapsedMs: 1 },
  };
  return { engine: createFakeEngine({ ...opts, gpu }), models: TEST_CATALOG };
}
