// The real Engine: loads a diffusers-ONNX pipeline onto one GPUDevice shared by onnxruntime-web and
// our kernels, and generates one image at a time. Runs inside the engine Web Worker (or in Node).
// Its device comes from the GpuRuntime it is given (src/gpu/runtime.ts); the GPU panel's probe and
// self-check run on that same device.
// A lost device (driver reset, or loseDevice() in tests) fails the request in flight with
// DeviceLostError; the engine then acquires a new device and re-creates the model's sessions from
// the model cache (onnxruntime-web's native WebGPU EP keys its contexts by GPUDevice, so new
// sessions on a new device work in the same JS context: see lostDevice()).
import { WebGPUUnavailableError, type GpuContext } from '../gpu/device.ts';
import type { GpuRuntime } from '../gpu/runtime.ts';
import type { GpuMemoryStats } from '../gpu/memory.ts';
import type { KernelPlanOptions } from '../gpu/kernel-check.ts';
import {
  DeviceLostError,
  EngineNotLoadedError,
  GenerationInterrupted,
  RequestGate,
  type CallOptions,
  type Engine,
  type EngineMemory,
  type GenerateResult,
  type GpuStatus,
  type ModelInfo,
  type ModelSource,
} from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';
import { detectLayout, loadSdPipeline } from './load-pipeline.ts';
import { appModelCache, localFilesFetch, type ModelCache } from './model-source.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { devicePreflight } from './preflight.ts';
import { generateImage } from './sd-pipeline.ts';
import { registryDefaults } from './registry.ts';

export interface SdEngineOptions {
  /** where the device, ORT and the models' GPU backends come from (webGpuRuntime) */
  gpu: GpuRuntime;
  /** where downloaded files are kept (default Cache Storage; null: none) */
  cache?: ModelCache | null;
  /** fetch for model files (default global fetch) */
  fetchImpl?: typeof fetch;
  /** per-stage timing (default true) */
  profile?: boolean;
  /** the SA kernels' f16 path (default: native where the adapter has shader-f16) and test hooks */
  kernels?: KernelPlanOptions;
}

export class SdEngine implements Engine {
  private ctx?: GpuContext;
  /** the device being acquired (two callers at once get the same one) */
  private acquiring?: Promise<GpuContext>;
  private pipeline?: LoadedSdModel;
  /** what is loaded, to rebuild it on a new device after a loss */
  private loaded?: ModelSource;
  private cache?: ModelCache;
  private readonly gate = new RequestGate();
  private deviceCount = 0;
  /** rebuilding after a device loss; every request waits for it */
  private recovery?: Promise<void>;
  /** the request's work on the device, which may outlive its caller after a loss */
  private inflight?: Promise<unknown>;
  /** the probe's self-check on the device; requests wait for it (ORT runs one thing at a time) */
  private probing?: Promise<unknown>;
  private readonly errorListeners: ((message: string) => void)[] = [];

  constructor(private readonly opts: SdEngineOptions) {}

  /** The engine's device: acquired once, and again after a loss. */
  private async device(): Promise<GpuContext> {
    if (this.ctx) return this.ctx;
    this.acquiring ??= (async () => {
      const ctx: GpuContext = await this.opts.gpu.acquire({ onLost: () => this.lostDevice(ctx), onError: (e) => this.deviceError(e) });
      this.ctx = ctx;
      this.deviceCount++;
      return ctx;
    })().finally(() => (this.acquiring = undefined));
    return this.acquiring;
  }

  /** An uncaptured WebGPU error on the device: logged and passed to the listeners (the GPU panel). */
  private deviceError(e: GPUError): void {
    const message = `${e.constructor?.name ?? 'GPUError'}: ${e.message}`;
    console.error(`WebGPU: ${message}`);
    for (const l of this.errorListeners) l(message);
  }

  onDeviceError(listener: (message: string) => void): void {
    this.errorListeners.push(listener);
  }

  private async modelCache(): Promise<ModelCache | undefined> {
    if (this.opts.cache === null) return undefined;
    this.cache ??= this.opts.cache ?? (await appModelCache());
    return this.cache;
  }

  /**
   * The device is gone, with every buffer and pipeline on it. Stop the request in flight (it
   * rejects with DeviceLostError), then build the loaded model again on a new device. ORT's
   * native EP registers each GPUDevice object under its own context id (its JS glue maps
   * device → id), so sessions created with the new device get a fresh WebGPU context; the old
   * context goes when its last session is released.
   */
  private lostDevice(ctx: GpuContext): void {
    if (this.ctx !== ctx) return;
    this.ctx = undefined;
    this.gate.interrupt();
    const old = this.pipeline;
    this.pipeline = undefined;
    const work = this.inflight;
    this.recovery = (async () => {
      await work; // never rejects (see onDevice); ORT must not be entered twice at once
      await old?.release().catch(() => undefined);
      if (this.loaded) await this.rebuild().catch(() => undefined); // retried by the next request
    })().finally(() => (this.recovery = undefined));
  }

  /** Re-creates the loaded model's sessions on the current (new) device from the model cache. */
  private async rebuild(): Promise<void> {
    this.pipeline = await this.build(this.loaded!);
  }

  /**
   * Reads `source`'s files (from the model cache when there) and creates every session on the
   * current device: the one way a model gets onto the GPU, for `load` and after a device loss.
   */
  private async build(source: ModelSource, opts: CallOptions = {}): Promise<LoadedSdModel> {
    const ctx = await this.device();
    const t0 = performance.now();
    const local = source.files;
    const files = await loadSdPipeline(source.base, {
      // a local folder is read where it is: no download, no cache; its layout is read from its names
      cache: local ? undefined : await this.modelCache(),
      fetchImpl: local ? localFilesFetch(local, source.base) : this.opts.fetchImpl,
      signal: opts.signal,
      tokenizerBase: source.tokenizerBase,
      layout: source.layout ?? (local && detectLayout(local.map((f) => f.path))),
      // refuse what cannot run before its weights (or the next files) are downloaded
      preflight: devicePreflight(ctx.report),
      onProgress: (f) => opts.onProgress?.({ stage: 'load', step: 0, total: 0, elapsedMs: performance.now() - t0, file: f.file, loaded: f.loaded, bytes: f.total }),
    });
    if (opts.signal?.aborted) throw new GenerationInterrupted();
    await this.probing;
    const model = createSdModel(this.opts.gpu.host(ctx), files, { id: source.id, onProgress: opts.onProgress, profile: this.opts.profile ?? true, kernels: this.opts.kernels });
    const next = await this.onDevice(ctx, model);
    const defaults = registryDefaults(source.id);
    if (defaults) next.info.defaults = { ...defaults };
    return next;
  }

  /**
   * Runs `work` on `ctx`'s device; if the device is lost first, rejects at once with
   * DeviceLostError (the work itself is left to settle, and recovery waits for it).
   */
  private async onDevice<T>(ctx: GpuContext, work: Promise<T>): Promise<T> {
    this.inflight = work.then(
      () => undefined,
      () => undefined,
    );
    const lost = ctx.lost.then((info) => {
      throw new DeviceLostError(info.message || info.reason);
    });
    try {
      return await Promise.race([work, lost]);
    } catch (e) {
      // An error from ORT or a kernel caused by the loss, seen before `lost` resolved.
      if (!(e instanceof DeviceLostError) && (await Promise.race([ctx.lost.then(() => true), new Promise((r) => setTimeout(r, 100, false))]))) {
        throw new DeviceLostError((e as Error).message);
      }
      throw e;
    }
  }

  /** One request at a time (RequestGate); after a device loss, it first waits for the rebuild. */
  private exclusive<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.gate.run(async (signal) => {
      await this.recovery;
      await this.probing;
      return fn(signal);
    });
  }

  load(source: ModelSource, opts: CallOptions = {}): Promise<ModelInfo> {
    return this.exclusive(async (signal) => {
      // Build the new pipeline before releasing the old one: a broken model leaves the old one usable.
      const next = await this.build(source, { signal, onProgress: opts.onProgress });
      if (this.pipeline) await this.pipeline.release();
      this.pipeline = next;
      this.loaded = source;
      return next.info;
    });
  }

  generate(req: GenerateRequest, opts: CallOptions = {}): Promise<GenerateResult> {
    return this.exclusive(async (signal) => {
      if (this.loaded && !this.pipeline) await this.rebuild(); // the rebuild after a loss failed: try again
      const p = this.pipeline;
      const ctx = this.ctx;
      if (!p || !ctx) throw new EngineNotLoadedError('No model is loaded: load one first.');
      const onAbort = () => this.gate.interrupt();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await this.onDevice(ctx, generateImage(p, req, { signal, onProgress: opts.onProgress }));
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  interrupt(): void {
    this.gate.interrupt();
  }

  unload(): Promise<void> {
    return this.exclusive(async () => {
      this.loaded = undefined;
      if (this.pipeline) await this.pipeline.release();
      this.pipeline = undefined;
    });
  }

  probe(): Promise<GpuStatus> {
    const run = (async () => {
      await this.recovery;
      await this.inflight; // the self-check's ORT session must not run beside a request's
      return this.selfCheck();
    })();
    this.probing = run;
    return run;
  }

  private async selfCheck(): Promise<GpuStatus> {
    let ctx: GpuContext | undefined;
    try {
      ctx = await this.device();
      const t0 = performance.now();
      const r = await this.opts.gpu.selfCheck(ctx);
      const elapsedMs = performance.now() - t0;
      if (!r.ok) return { kind: 'error', adapter: ctx.report, message: `Self-check mismatch: max error ${r.maxAbsError}` };
      return { kind: 'ready', adapter: ctx.report, selfCheck: { ...r, elapsedMs } };
    } catch (e) {
      if (e instanceof WebGPUUnavailableError) return { kind: 'unavailable', message: e.message };
      return { kind: 'error', adapter: ctx?.report, message: (e as Error).message ?? String(e) };
    }
  }

  /** Live GPU buffers and bytes on the device, ORT's included (zero before the first load). */
  async memory(): Promise<EngineMemory> {
    const s: GpuMemoryStats = this.ctx ? this.ctx.memory.stats() : { liveBuffers: 0, liveBytes: 0, peakBytes: 0, created: 0 };
    return { ...s, deviceCount: this.deviceCount };
  }

  /** Live buffers on the device grouped by label, largest first (what a leak is made of). */
  memoryByLabel(): { label: string; buffers: number; bytes: number }[] {
    return this.ctx?.memory.byLabel() ?? [];
  }

  /** Test hook: destroys the device as a driver reset would (device.lost fires; see lostDevice). */
  async loseDevice(): Promise<void> {
    this.ctx?.device.destroy();
  }

  /** Live GPU buffers held by the U-Net runner between calls (leak checks). */
  liveBuffers(): number {
    return this.pipeline?.unetRunner.live ?? 0;
  }
}
