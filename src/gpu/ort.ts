// The only module that imports onnxruntime-web. It loads the native WebGPU EP build, creates
// sessions one after another on our shared GPUDevice, and checks inputs by name before running.
import type * as OrtNs from 'onnxruntime-web';

export type Ort = typeof OrtNs;
export type OrtTensor = OrtNs.Tensor;
export type OrtSession = OrtNs.InferenceSession;

export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

let ortPromise: Promise<Ort> | undefined;

/**
 * Loads onnxruntime-web's WebGPU build once. `wasmPaths` is where ort-wasm-simd-threaded.asyncify.*
 * are served from (our own origin in the browser; a file path under node_modules in Node).
 */
export function loadOrt(wasmPaths?: string): Promise<Ort> {
  ortPromise ??= (async () => {
    const ort = (await import('onnxruntime-web/webgpu')) as unknown as Ort;
    if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return ortPromise;
}

let creating: Promise<unknown> = Promise.resolve();

export interface SessionOptions {
  /** Keep these outputs (or all, with 'gpu-buffer') on the GPU. */
  outputLocation?: 'cpu' | 'gpu-buffer' | Record<string, 'cpu' | 'gpu-buffer'>;
  externalData?: { path: string; data: Uint8Array }[];
  freeDimensionOverrides?: Record<string, number>;
}

/**
 * Creates a WebGPU session on `device`. Creation is serialised: the native EP refuses two
 * sessions being created at once.
 */
export async function createSession(ort: Ort, device: GPUDevice, model: Uint8Array, opts: SessionOptions = {}): Promise<OrtSession> {
  const run = creating.then(() =>
    ort.InferenceSession.create(model, {
      executionProviders: [{ name: 'webgpu', device } as OrtNs.InferenceSession.WebGpuExecutionProviderOption],
      preferredOutputLocation: opts.outputLocation ?? 'cpu',
      externalData: opts.externalData,
      freeDimensionOverrides: opts.freeDimensionOverrides,
      graphOptimizationLevel: 'all',
      // errors only: ORT's warnings (e.g. "Some nodes were not assigned to the preferred execution
      // providers" for shape ops it keeps on the CPU, as intended) reach the console as errors
      logSeverityLevel: 3,
    }),
  );
  creating = run.catch(() => undefined);
  return run;
}

/** Runs a session after checking that every input it declares is given. */
export async function runSession(session: OrtSession, feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>> {
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) {
    throw new ModelInputError(`Model input(s) missing: ${missing.join(', ')} (the model expects ${session.inputNames.join(', ')}).`);
  }
  return fetches ? session.run(feeds, [...fetches]) : session.run(feeds);
}

/** A float32 tensor that reads from a GPU buffer we own (ORT borrows it for the run). */
export function tensorFromGpuBuffer(ort: Ort, buffer: GPUBuffer, dims: number[], dataType: 'float32' | 'float16' = 'float32'): OrtTensor {
  return ort.Tensor.fromGpuBuffer(buffer, { dataType, dims });
}
