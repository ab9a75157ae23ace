import { describe, expect, it } from 'vitest';
import { createAppStore } from './store.ts';
import type { GpuStatus } from './gpu-slice.ts';
import { fakePorts } from './testing/fake-ports.ts';

describe('gpu slice', () => {
  it('goes idle → checking → the probe result', async () => {
    let resolve!: (s: GpuStatus) => void;
    const store = createAppStore({ ...fakePorts(), probeGpu: () => new Promise((r) => (resolve = r)) });
    expect(store.getState().gpu.kind).toBe('idle');
    const done = store.getState().checkGpu();
    expect(store.getState().gpu.kind).toBe('checking');
    resolve({ kind: 'unavailable', message: 'no adapter' });
    await done;
    expect(store.getState().gpu).toEqual({ kind: 'unavailable', message: 'no adapter' });
  });
});
