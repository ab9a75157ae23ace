// The GPU runtime the engine is given: acquires the one GPUDevice that onnxruntime-web and our
// kernels share (ORT loaded for it), runs the ORT↔kernel self-check on that device, and makes
// models' GPU backends there. The page never creates a device: the engine's worker does, here.
import { acquireGpu, type AcquireOptions, type GpuContext } from './device.ts';
import { loadOrt, type Ort } from './ort.ts';
import { runSelfCheck, type SelfCheckResult } from './selfcheck.ts';
import { createGpuBackend, type BackendFiles, type GpuBackend, type GpuBackendOptions } from './gpu-backend.ts';

/** Where a model's GPU backend is made, and what that device can compute. */
export interface BackendHost {
  /** the device computes float16 (WebGPU shader-f16) */
  shaderF16: boolean;
  createBackend(files: BackendFiles, opts?: GpuBackendOptions): Promise<GpuBackend>;
}

/** The backend host of `device` with `ort` loaded (CLI, tests; the engine goes through GpuRuntime). */
export function backendHost(ort: Ort, device: GPUDevice): BackendHost {
  return {
    shaderF16: device.features.has('shader-f16'),
    createBackend: (files, opts) => createGpuBackend(ort, device, files, opts),
  };
}

export interface GpuRuntime {
  /** A new device (and ORT, loaded once); `opts` watch its loss and uncaptured errors. */
  acquire(opts?: AcquireOptions): Promise<GpuContext>;
  /** The ORT↔kernel buffer exchange on `ctx`'s device, against the CPU. */
  selfCheck(ctx: GpuContext): Promise<SelfCheckResult>;
  host(ctx: GpuContext): BackendHost;
}

export interface WebGpuRuntimeOptions {
  /** where onnxruntime-web's wasm runtime is served (a file path under node_modules in Node) */
  ortWasmPaths?: string;
  /** the WebGPU entry point (default navigator.gpu; Dawn's in Node) */
  gpu?: GPU;
}

export function webGpuRuntime(opts: WebGpuRuntimeOptions = {}): GpuRuntime {
  let ort: Ort | undefined;
  const loaded = (): Ort => {
    if (!ort) throw new Error('The GPU runtime has no device yet: acquire() one first.');
    return ort;
  };
  return {
    async acquire(acquireOpts) {
      const ctx = await acquireGpu(opts.gpu, acquireOpts);
      ort ??= await loadOrt(opts.ortWasmPaths);
      return ctx;
    },
    selfCheck: (ctx) => runSelfCheck(loaded(), ctx.device),
    host: (ctx) => backendHost(loaded(), ctx.device),
  };
}
