// SdEngine without a GPU: a fake GpuRuntime shows what the engine does with its device — the probe's
// statuses (ready on the engine's one device, unavailable, error), one device for concurrent callers,
// and the device's uncaptured errors passed to listeners. The real device runs in sd-engine.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import { SdEngine } from './sd-engine.ts';
import { WebGPUUnavailableError, type AcquireOptions, type GpuContext } from '../gpu/device.ts';
import type { GpuRuntime } from '../gpu/runtime.ts';
import type { SelfCheckResult } from '../gpu/selfcheck.ts';
import type { GpuMemoryTracker } from '../gpu/memory.ts';

const REPORT = {
  vendor: 'fake', architecture: '', device: '', description: 'fake adapter', isFallbackAdapter: true, shaderF16: false, timestampQuery: false, subgroups: false, features: [],
  limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 1, maxComputeWorkgroupStorageSize: 1, maxComputeInvocationsPerWorkgroup: 1, maxStorageBuffersPerShaderStage: 1 },
};
const CHECK: SelfCheckResult = { maxAbsError: 0, kernelToOrtError: 0, ortToKernelError: 0, sample: [1], ok: true };

function fakeRuntime(opts: { acquireError?: Error; check?: SelfCheckResult } = {}) {
  const acquired: AcquireOptions[] = [];
  const checkedOn: GpuContext[] = [];
  const runtime: GpuRuntime = {
    async acquire(o = {}) {
      await new Promise((r) => setTimeout(r, 5));
      if (opts.acquireError) throw opts.acquireError;
      acquired.push(o);
      const memory = { stats: () => ({ liveBuffers: 0, liveBytes: 0, peakBytes: 0, created: 0 }), byLabel: () => [] } as unknown as GpuMemoryTracker;
      return { adapter: {} as GPUAdapter, device: {} as GPUDevice, report: REPORT, memory, lost: new Promise(() => undefined) };
    },
    async selfCheck(ctx) {
      checkedOn.push(ctx);
      return opts.check ?? CHECK;
    },
    host: () => {
      throw new Error('no models in this test');
    },
  };
  return { runtime, acquired, checkedOn };
}

describe('SdEngine probe and device errors (fake runtime)', () => {
  it('probe acquires the engine device once (concurrent calls share it) and runs the self-check on it', async () => {
    const { runtime, acquired, checkedOn } = fakeRuntime();
    const engine = new SdEngine({ gpu: runtime, cache: null });
    const [a, b] = await Promise.all([engine.probe(), engine.probe()]);
    expect(a).toMatchObject({ kind: 'ready', adapter: REPORT, selfCheck: { ...CHECK } });
    expect(b.kind).toBe('ready');
    expect(acquired).toHaveLength(1);
    expect((await engine.memory()).deviceCount).toBe(1);
    expect(checkedOn).toHaveLength(2);
  });

  it('no WebGPU: unavailable with the message; a failing self-check: error naming its max error', async () => {
    const none = new SdEngine({ gpu: fakeRuntime({ acquireError: new WebGPUUnavailableError('WebGPU is not available in this browser.') }).runtime, cache: null });
    expect(await none.probe()).toEqual({ kind: 'unavailable', message: 'WebGPU is not available in this browser.' });
    const bad = new SdEngine({ gpu: fakeRuntime({ check: { ...CHECK, ok: false, maxAbsError: 0.5 } }).runtime, cache: null });
    expect(await bad.probe()).toEqual({ kind: 'error', adapter: REPORT, message: 'Self-check mismatch: max error 0.5' });
  });

  it("the device's uncaptured errors reach every listener (and the console), named by their type", async () => {
    const { runtime, acquired } = fakeRuntime();
    const engine = new SdEngine({ gpu: runtime, cache: null });
    const seen: string[] = [];
    engine.onDeviceError((m) => seen.push(m));
    await engine.probe();
    class GPUValidationError extends Error {}
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.join(' '));
    try {
      acquired[0].onError!(new GPUValidationError('Invalid BindGroup') as unknown as GPUError);
    } finally {
      console.error = original;
    }
    expect(seen).toEqual(['GPUValidationError: Invalid BindGroup']);
    expect(errors).toEqual(['WebGPU: GPUValidationError: Invalid BindGroup']);
  });
});
