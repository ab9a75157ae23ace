// The `gpu` slice: what the GPU status panel shows — the engine's probe (its device's adapter and
// the ORT↔kernel self-check on that device) and the device's uncaptured errors.
import type { StateCreator } from 'zustand';
import type { AppPorts } from './ports.ts';
import type { GpuStatus } from '../pipeline/engine.ts';

/** Uncaptured device errors kept for the panel (the newest last). */
export const MAX_DEVICE_ERRORS = 20;

export interface GpuSlice {
  gpu: GpuStatus;
  /** uncaptured WebGPU errors on the engine's device, newest last (at most MAX_DEVICE_ERRORS) */
  deviceErrors: string[];
  checkGpu: () => Promise<void>;
}

export const createGpuSlice =
  (ports: AppPorts): StateCreator<GpuSlice, [], [], GpuSlice> =>
  (set) => {
    ports.engine.onDeviceError?.((message) => set((s) => ({ deviceErrors: [...s.deviceErrors, message].slice(-MAX_DEVICE_ERRORS) })));
    return {
      gpu: { kind: 'idle' },
      deviceErrors: [],
      checkGpu: async () => {
        set({ gpu: { kind: 'checking' } });
        set({ gpu: await ports.engine.probe() });
      },
    };
  };
