// The real Engine: loads a diffusers-ONNX pipeline onto one GPUDevice shared by onnxruntime-web and
// our kernels, and generates one image at a time. Runs inside the engine Web Worker (or in Node).
import { acquireGpu, type GpuContext } from '../gpu/device.ts';
import { loadOrt, type Ort } from '../gpu/ort.ts';
import { EngineBusyError, EngineNotLoadedError, GenerationInterrupted, type CallOptions, type Engine, type GenerateRequest, type GenerateResult, type ModelInfo, type ModelSource } from './engine.ts';
import { loadSdPipeline } from './load-pipeline.ts';
import { browserModelCache, type ModelCache } from './model-source.ts';
import { generateImage } from './sd-pipeline.ts';
import { createGpuSdModel, type GpuSdModel } from './gpu-backend.ts';
import { MODEL_REGISTRY } from './registry.ts';

export interface SdEngineOptions {
  /** where onnxruntime-web's wasm runtime is served */
  ortWasmPaths: string;
  /** GPU to use (default navigator.gpu) */
  gpu?: GPU;
  cache?: ModelCache | null;
  /** per-stage timing (default true) */
  profile?: boolean;
}

export class SdEngine implements Engine {
  private ctx?: GpuContext;
  private ort?: Ort;
  private pipeline?: GpuSdModel;
  private busy = false;
  private abort?: AbortController;

  constructor(private readonly opts: SdEngineOptions) {}

  private async device(): Promise<{ ctx: GpuContext; ort: Ort }> {
    this.ctx ??= await acquireGpu(this.opts.gpu);
    this.ort ??= await loadOrt(this.opts.ortWasmPaths);
    return { ctx: this.ctx, ort: this.ort };
  }

  private async exclusive<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.busy) throw new EngineBusyError('The engine is busy with another request; wait for it or cancel it.');
    this.busy = true;
    this.abort = new AbortController();
    try {
      return await fn(this.abort.signal);
    } finally {
      this.busy = false;
      this.abort = undefined;
    }
  }

  load(source: ModelSource, opts: CallOptions = {}): Promise<ModelInfo> {
    return this.exclusive(async (signal) => {
      const { ctx, ort } = await this.device();
      const cache = this.opts.cache === null ? undefined : (this.opts.cache ?? (await browserModelCache()));
      const t0 = performance.now();
      const files = await loadSdPipeline(source.base, {
        cache,
        signal,
        tokenizerBase: source.tokenizerBase,
        onProgress: (f) => opts.onProgress?.({ stage: 'load', step: 0, total: 0, elapsedMs: performance.now() - t0, file: f.file, loaded: f.loaded, bytes: f.total }),
      });
      if (signal.aborted) throw new GenerationInterrupted();
      // Build the new pipeline before releasing the old one: a broken model leaves the old one usable.
      const next = await createGpuSdModel(ort, ctx.device, files, source.id, opts.onProgress, this.opts.profile ?? true);
      if (this.pipeline) await this.pipeline.release();
      this.pipeline = next;
      const entry = MODEL_REGISTRY.find((m) => m.id === source.id);
      if (entry) next.info.defaults = { ...entry.defaults };
      return next.info;
    });
  }

  generate(req: GenerateRequest, opts: CallOptions = {}): Promise<GenerateResult> {
    return this.exclusive(async (signal) => {
      const p = this.pipeline;
      if (!p) throw new EngineNotLoadedError('No model is loaded: load one first.');
      const onAbort = () => this.abort?.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await generateImage(p, req, { signal, onProgress: opts.onProgress });
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  interrupt(): void {
    this.abort?.abort();
  }

  async unload(): Promise<void> {
    if (this.pipeline) await this.pipeline.release();
    this.pipeline = undefined;
  }

  /** Live GPU buffers held by the U-Net runner between calls (leak checks). */
  liveBuffers(): number {
    return this.pipeline?.unetRunner.live ?? 0;
  }
}
