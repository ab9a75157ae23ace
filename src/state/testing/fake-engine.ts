// A fake Engine for unit tests and UI screenshots (never the app's default): records every call,
// counts generations in flight, and either answers by itself (after `stepMs` per step, reporting
// progress) or waits for the test to settle each call (`manual`). Its images are a deterministic
// pattern of the request (seed, size, SA on/off), so equal requests give equal pixels. With
// `compileMs`, the first generation at each size after a load reports that much more time, as a
// real engine pays its shader compiles. A request with `previews` gets a latent-sized step preview
// with each U-Net step's progress (grey, brighter each step), as the real engine sends.
import type { CallOptions, Engine, GenerateResult, GpuStatus, ModelInfo, ModelSource, Progress, StageTimings } from '../../pipeline/engine.ts';
import type { ImageRgba } from '../../image/rgba.ts';
import { hiresSize, type GenerateRequest } from '../../params/request.ts';
import { sdUnetSites } from '../../sa/index.ts';

/** Same name and message as the engine's GenerationInterrupted (src/pipeline/engine.ts). */
export class FakeInterrupted extends Error {
  override name = 'GenerationInterrupted';
  constructor() {
    super('Generation was cancelled.');
  }
}

interface PendingCall {
  req: GenerateRequest;
  resolve: () => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

export interface FakeEngineOptions {
  /** settle generate() calls only through `settle` / `fail` (default false: answer by itself) */
  manual?: boolean;
  /** wait this long per step when answering by itself */
  stepMs?: number;
  /** make load() fail with this error */
  loadError?: Error;
  /** make load() of some sources fail (checked after loadError) */
  loadErrorFor?: (source: ModelSource) => Error | undefined;
  /** how long load() takes (default: a microtask) */
  loadMs?: number;
  info?: Partial<ModelInfo>;
  /** what probe() answers (default: an idle status) */
  gpu?: GpuStatus | (() => Promise<GpuStatus>);
  /** extra text-encoder + U-Net time of the first generation per size after each load (compiles) */
  compileMs?: number;
}

export interface FakeEngine extends Engine {
  loads: ModelSource[];
  requests: GenerateRequest[];
  interrupts: number;
  inFlight: number;
  /** the most generate() calls that were ever in flight at once */
  maxInFlight: number;
  /** load() and generate() calls in flight now, and the most ever at once (the device does one) */
  callsInFlight: number;
  maxCallsInFlight: number;
  pending: PendingCall[];
  /** resolve the oldest pending generate() */
  settle: () => void;
  /** report U-Net step `step` of the oldest pending generate() (with a preview if it asked for them) */
  step: (step: number) => void;
  fail: (e: Error) => void;
  /** report an uncaptured device error to the onDeviceError listeners */
  deviceError: (message: string) => void;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A smooth, seed-dependent colour field; SA on shifts it slightly so comparisons differ. */
export function fakeImage(req: GenerateRequest): ImageRgba {
  const { width: w, height: h } = req.hires ? hiresSize(req, req.hires.scale) : req;
  const data = new Uint8ClampedArray(w * h * 4);
  const a = ((req.seed % 997) / 997) * Math.PI * 2;
  const sa = req.sa.enabled ? req.sa.in.strength / 50 : 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / w;
      const v = y / h;
      const r = 0.5 + 0.5 * Math.sin(6 * u + a + 3 * v * v);
      const g = 0.5 + 0.5 * Math.sin(5 * v - a + 2 * u);
      const b = 0.5 + 0.5 * Math.cos(4 * (u + v) + a * 0.5 + sa * 8 * Math.sin(9 * u));
      const o = (y * w + x) * 4;
      data[o] = 40 + 180 * r;
      data[o + 1] = 60 + 160 * g * (1 - sa * 0.5);
      data[o + 2] = 50 + 190 * b;
      data[o + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

/** The step preview a request with `previews` gets at `step`: latent-sized, grey 40·step. */
export function fakePreview(req: GenerateRequest, step: number): ImageRgba {
  const [w, h] = [req.width / 8, req.height / 8];
  const data = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : 40 * step));
  return { width: w, height: h, data };
}

/** U-Net step progress, with the step preview when the request asked for previews. */
function stepProgress(req: GenerateRequest, step: number, elapsedMs: number): Progress {
  return { stage: 'unet', step, total: req.steps, elapsedMs, ...(req.previews && { preview: fakePreview(req, step) }) };
}

export function fakeTimesteps(req: GenerateRequest): number[] {
  const all = Array.from({ length: req.steps }, (_, i) => (req.steps === 1 ? 999 : 999 - (999 * i) / (req.steps - 1)));
  const run = req.init ? Math.max(1, Math.trunc(req.steps * req.init.strength)) : req.steps;
  return all.slice(req.steps - run);
}

function fakeTimings(req: GenerateRequest): StageTimings {
  const px = (req.width * req.height) / (512 * 512);
  const sa = req.sa.enabled ? 1 : 0;
  const unetOrt = req.steps * 40 * px;
  const saPool = sa * req.steps * 2 * px;
  const saProject = req.steps * (sa ? 5 : 9) * px;
  const saAttention = req.steps * (sa ? 8 : 20) * px;
  const text = 12;
  const vae = 90 * px;
  return { text, unetOrt, saPool, saProject, saAttention, saWall: saAttention, vae, total: text + unetOrt + saPool + saProject + saAttention + vae, method: 'fake' };
}

/** Timings of a run that also compiled shaders: split between the text encoder and the U-Net. */
function withCompile(t: StageTimings, ms: number): StageTimings {
  return { ...t, text: t.text + ms / 2, unetOrt: t.unetOrt + ms / 2, total: t.total + ms };
}

export function createFakeEngine(opts: FakeEngineOptions = {}): FakeEngine {
  let interruptCurrent: (() => void) | null = null;
  let compiledSizes = new Set<string>();
  const errorListeners: ((message: string) => void)[] = [];
  const info: ModelInfo = {
    id: 'tiny', base: 'models/tiny', attentionStyle: 'torch2', dtype: 'float32', latentChannels: 4, vaeScale: 8, hasVaeEncoder: true,
    sites: sdUnetSites().map((s) => ({ ...s, heads: 8 })),
    kernels: { variants: sdUnetSites().map(() => 'f32' as const), checks: [], warnings: [] },
    defaults: { width: 128, height: 128, steps: 4, guidance: 7.5, scheduler: 'euler' },
    ...opts.info,
  };

  const enter = () => {
    engine.callsInFlight++;
    engine.maxCallsInFlight = Math.max(engine.maxCallsInFlight, engine.callsInFlight);
  };
  const engine: FakeEngine = {
    loads: [], requests: [], interrupts: 0, inFlight: 0, maxInFlight: 0, callsInFlight: 0, maxCallsInFlight: 0, pending: [],
    async load(source: ModelSource, call?: CallOptions) {
      engine.loads.push(source);
      compiledSizes = new Set();
      enter();
      try {
        call?.onProgress?.({ stage: 'load', step: 1, total: 1, elapsedMs: 1, file: 'unet/model.onnx', loaded: 1, bytes: 1 });
        if (opts.loadMs) await wait(opts.loadMs);
        const error = opts.loadError ?? opts.loadErrorFor?.(source);
        if (error) throw error;
        return { ...info, id: source.id, base: source.base };
      } finally {
        engine.callsInFlight--;
      }
    },
    async generate(req: GenerateRequest, call?: CallOptions): Promise<GenerateResult> {
      engine.requests.push(req);
      engine.inFlight++;
      engine.maxInFlight = Math.max(engine.maxInFlight, engine.inFlight);
      enter();
      try {
        await new Promise<void>((resolve, reject) => {
          const entry: PendingCall = { req, resolve, reject, onProgress: call?.onProgress };
          const stop = () => {
            engine.pending = engine.pending.filter((p) => p !== entry);
            reject(new FakeInterrupted());
          };
          interruptCurrent = stop;
          call?.signal?.addEventListener('abort', stop, { once: true });
          if (opts.manual) {
            engine.pending.push(entry);
            return;
          }
          void (async () => {
            for (let step = 1; step <= req.steps; step++) {
              await wait(opts.stepMs ?? 0);
              call?.onProgress?.(stepProgress(req, step, step * (opts.stepMs ?? 0)));
            }
            resolve();
          })();
        });
        const size = `${req.width}x${req.height}`;
        const compileMs = compiledSizes.has(size) ? 0 : (opts.compileMs ?? 0);
        compiledSizes.add(size);
        return { image: fakeImage(req), timings: withCompile(fakeTimings(req), compileMs), timesteps: fakeTimesteps(req), seed: req.seed };
      } finally {
        engine.inFlight--;
        engine.callsInFlight--;
        interruptCurrent = null;
      }
    },
    interrupt() {
      engine.interrupts++;
      interruptCurrent?.();
    },
    async unload() {},
    async probe() {
      const g = opts.gpu ?? { kind: 'idle' };
      return typeof g === 'function' ? g() : g;
    },
    onDeviceError(listener) {
      errorListeners.push(listener);
    },
    deviceError(message) {
      for (const l of errorListeners) l(message);
    },
    settle() {
      engine.pending.shift()?.resolve();
    },
    step(step) {
      const p = engine.pending[0];
      p?.onProgress?.(stepProgress(p.req, step, step));
    },
    fail(e) {
      engine.pending.shift()?.reject(e);
    },
  };
  return engine;
}
