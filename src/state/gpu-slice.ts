// The `gpu` slice: what the GPU status panel shows (adapter report and the self-check result).
import type { StateCreator } from 'zustand';
import type { AppPorts } from './ports.ts';
import type { AdapterReport } from '../gpu/device.ts';

/** What the panel shows of the adapter (the report acquireGpu makes). */
export type AdapterInfoView = AdapterReport;

export interface SelfCheckView {
  maxAbsError: number;
  kernelToOrtError: number;
  ortToKernelError: number;
  sample: number[];
  ok: boolean;
  elapsedMs: number;
}

export type GpuStatus =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'ready'; adapter: AdapterInfoView; selfCheck: SelfCheckView }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; adapter?: AdapterInfoView; message: string };

export interface GpuSlice {
  gpu: GpuStatus;
  checkGpu: () => Promise<void>;
}

export const createGpuSlice =
  (ports: AppPorts): StateCreator<GpuSlice, [], [], GpuSlice> =>
  (set) => ({
    gpu: { kind: 'idle' },
    checkGpu: async () => {
      set({ gpu: { kind: 'checking' } });
      set({ gpu: await ports.probeGpu() });
    },
  });
