// The `gpu` slice: what the GPU status panel shows (adapter report and the self-check result).
import type { StateCreator } from 'zustand';
import type { AppPorts } from './ports.ts';

export interface AdapterInfoView {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  timestampQuery: boolean;
  limits: Record<string, number>;
}

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
