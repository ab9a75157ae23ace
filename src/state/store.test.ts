import { describe, expect, it } from 'vitest';
import { createAppStore } from './store.ts';
import { MAX_DEVICE_ERRORS } from './gpu-slice.ts';
import type { GpuStatus } from '../pipeline/engine.ts';
import { fakePorts } from './testing/fake-ports.ts';

describe('gpu slice', () => {
  it("goes idle → checking → the engine probe's result", async () => {
    let resolve!: (s: GpuStatus) => void;
    const store = createAppStore(fakePorts({ gpu: () => new Promise((r) => (resolve = r)) }));
    expect(store.getState().gpu.kind).toBe('idle');
    const done = store.getState().checkGpu();
    expect(store.getState().gpu.kind).toBe('checking');
    resolve({ kind: 'unavailable', message: 'no adapter' });
    await done;
    expect(store.getState().gpu).toEqual({ kind: 'unavailable', message: 'no adapter' });
  });

  it("keeps the engine device's uncaptured errors, newest last, at most MAX_DEVICE_ERRORS", () => {
    const ports = fakePorts();
    const store = createAppStore(ports);
    expect(store.getState().deviceErrors).toEqual([]);
    ports.engine.deviceError('GPUValidationError: bad bind group');
    expect(store.getState().deviceErrors).toEqual(['GPUValidationError: bad bind group']);
    for (let i = 0; i < MAX_DEVICE_ERRORS + 5; i++) ports.engine.deviceError(`e${i}`);
    const errors = store.getState().deviceErrors;
    expect(errors).toHaveLength(MAX_DEVICE_ERRORS);
    expect(errors.at(-1)).toBe(`e${MAX_DEVICE_ERRORS + 4}`);
  });
});
