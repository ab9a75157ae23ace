import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { serveEngine, WorkerEngine, type Port } from './worker-protocol.ts';
import { DeviceLostError, EngineBusyError, GenerationInterrupted, RequestGate, type Engine, type EngineMemory, type GenerateResult, type ModelInfo, type Progress } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';
import { ModelLoadError } from './model-source.ts';
import { DEFAULT_SA_PARAMS } from '../sa/params.ts';
import type { ImageRgba } from '../image/rgba.ts';

function asPort(p: MessagePort): Port {
  return {
    postMessage: (m, t) => p.postMessage(m, t as never),
    addEventListener: (_type, fn) => p.on('message', (data) => fn({ data } as MessageEvent)),
  };
}

const INFO: ModelInfo = {
  id: 'fake',
  base: '/m',
  attentionStyle: 'torch2',
  sites: [],
  dtype: 'float32',
  latentChannels: 4,
  vaeScale: 8,
  hasVaeEncoder: false,
  kernels: { variants: [], checks: [], warnings: [] },
  defaults: { width: 64, height: 64, steps: 2, guidance: 7, scheduler: 'euler' },
};

/**
 * A fake engine whose generate takes `steps` ticks of 5 ms and can be interrupted; with
 * `req.previews` each step's progress carries a 2×1 preview filled with the step number (kept in
 * `previewsSent`, as the worker side saw them).
 */
function fakeEngine(): Engine & { deviceError(message: string): void; previewsSent: ImageRgba[] } {
  let stop = false;
  const listeners: ((message: string) => void)[] = [];
  const previewsSent: ImageRgba[] = [];
  return {
    previewsSent,
    probe: async () => ({ kind: 'unavailable', message: 'no adapter in this test' }),
    onDeviceError: (l) => void listeners.push(l),
    deviceError: (message) => listeners.forEach((l) => l(message)),
    load: async (source, opts) => {
      if (source.base === 'bad') throw new ModelLoadError('not-found', 'unet/model.onnx was not found');
      opts?.onProgress?.({ stage: 'load', step: 1, total: 1, elapsedMs: 0, file: 'unet/model.onnx' });
      return { ...INFO, base: source.base };
    },
    generate: async (req, opts) => {
      stop = false;
      for (let i = 0; i < req.steps; i++) {
        if (stop) throw new GenerationInterrupted();
        await new Promise((r) => setTimeout(r, 5));
        const preview = req.previews ? { width: 2, height: 1, data: new Uint8ClampedArray(8).fill(i + 1) } : undefined;
        if (preview) previewsSent.push(preview);
        opts?.onProgress?.({ stage: 'unet', step: i + 1, total: req.steps, elapsedMs: 5 * (i + 1), ...(preview && { preview }) });
      }
      const data = new Uint8ClampedArray(req.width * req.height * 4).fill(req.seed & 255);
      return { image: { width: req.width, height: req.height, data }, timings: { text: 1, unetOrt: 2, saPool: 0, saProject: 0, saAttention: 0, saWall: 0, vae: 1, total: 4, method: 'test' }, timesteps: [999], seed: req.seed } satisfies GenerateResult;
    },
    interrupt: () => void (stop = true),
    unload: async () => undefined,
  };
}

const REQ: GenerateRequest = { prompt: 'a', negativePrompt: '', seed: 7, steps: 4, guidance: 7, width: 8, height: 8, scheduler: 'euler', sa: DEFAULT_SA_PARAMS };

const MEMORY: EngineMemory = { liveBuffers: 3, liveBytes: 4096, peakBytes: 8192, created: 9, deviceCount: 1 };

/**
 * An engine guarded by the real RequestGate (as SdEngine is) that records how many requests were
 * on its "device" at once, and which ones ran; generate ticks 5 ms per step and honours the signal.
 */
function gatedEngine() {
  const gate = new RequestGate();
  const log = { active: 0, maxActive: 0, ran: [] as string[], lose: false };
  const onDevice = async <T>(what: string, steps: number, signal: AbortSignal, value: () => T | Promise<T>): Promise<T> => {
    log.active++;
    log.maxActive = Math.max(log.maxActive, log.active);
    try {
      for (let i = 0; i < steps; i++) {
        if (signal.aborted) throw new GenerationInterrupted();
        if (log.lose) throw new DeviceLostError('destroyed');
        await new Promise((r) => setTimeout(r, 5));
      }
      log.ran.push(what);
      return await value();
    } finally {
      log.active--;
    }
  };
  const base = fakeEngine();
  const engine: Engine = {
    load: (source) => gate.run((signal) => onDevice(`load ${source.base}`, 2, signal, () => ({ ...INFO, base: source.base }))),
    generate: (req) => gate.run((signal) => onDevice(`generate ${req.seed}`, req.steps, signal, () => base.generate({ ...req, steps: 0 }))),
    interrupt: () => gate.interrupt(),
    unload: () => gate.run(async () => undefined),
    probe: base.probe,
    memory: async () => MEMORY,
    loseDevice: async () => void (log.lose = true),
  };
  return { engine, log };
}

let channels: MessageChannel[] = [];
function connect(engine: Engine = fakeEngine()): WorkerEngine {
  const ch = new MessageChannel();
  channels.push(ch);
  serveEngine(asPort(ch.port2), engine);
  return new WorkerEngine(asPort(ch.port1));
}
afterEach(() => {
  for (const ch of channels) {
    ch.port1.close();
    ch.port2.close();
  }
  channels = [];
});

describe('WorkerEngine ↔ serveEngine', () => {
  it('load and generate round-trip data and progress', async () => {
    const engine = connect();
    const info = await engine.load({ id: 'x', base: '/m' });
    expect(info.base).toBe('/m');
    const steps: number[] = [];
    const r = await engine.generate(REQ, { onProgress: (p) => steps.push(p.step) });
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(r.image.data.length).toBe(8 * 8 * 4);
    expect(r.image.data[0]).toBe(7);
  });

  it('step previews travel with their progress, moved (not copied) out of the worker; none unless requested', async () => {
    const inner = fakeEngine();
    const engine = connect(inner);
    const seen: (number[] | undefined)[] = [];
    await engine.generate({ ...REQ, previews: true }, { onProgress: (p) => seen.push(p.preview && [p.preview.width, p.preview.height, ...p.preview.data]) });
    expect(seen).toEqual([1, 2, 3, 4].map((s) => [2, 1, ...Array<number>(8).fill(s)]));
    // transferred: the worker side's buffers are detached
    expect(inner.previewsSent.map((p) => p.data.byteLength)).toEqual([0, 0, 0, 0]);
    const plain: Progress[] = [];
    await engine.generate(REQ, { onProgress: (p) => plain.push(p) });
    expect(plain).toHaveLength(4);
    expect(plain.some((p) => 'preview' in p)).toBe(false);
  });

  it("probe() answers with the engine's GPU status; device errors reach every listener unasked", async () => {
    const engine = fakeEngine();
    const w = connect(engine);
    expect(await w.probe()).toEqual({ kind: 'unavailable', message: 'no adapter in this test' });
    const seen: string[] = [];
    w.onDeviceError((m) => seen.push(m));
    engine.deviceError('GPUValidationError: invalid bind group');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['GPUValidationError: invalid bind group']);
  });

  it('typed errors are rebuilt on the main thread', async () => {
    const engine = connect();
    const e = await engine.load({ id: 'x', base: 'bad' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ModelLoadError);
    expect((e as ModelLoadError).kind).toBe('not-found');
  });

  it('abort interrupts the generation, and the next one works', async () => {
    const engine = connect();
    const ac = new AbortController();
    const p = engine.generate({ ...REQ, steps: 50 }, { signal: ac.signal, onProgress: (pr) => pr.step === 2 && ac.abort() });
    await expect(p).rejects.toBeInstanceOf(GenerationInterrupted);
    const r = await engine.generate(REQ);
    expect(r.seed).toBe(7);
  });
});

describe('one request at a time through the worker (RequestGate)', () => {
  it('two generate() calls at once: one runs, the other is refused with EngineBusyError, never both on the device', async () => {
    const { engine: inner, log } = gatedEngine();
    const engine = connect(inner);
    const [a, b] = await Promise.allSettled([engine.generate({ ...REQ, seed: 1, steps: 6 }), engine.generate({ ...REQ, seed: 2, steps: 6 })]);
    expect(a.status).toBe('fulfilled');
    expect((a as PromiseFulfilledResult<GenerateResult>).value.seed).toBe(1);
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(EngineBusyError);
    expect(log.maxActive).toBe(1);
    expect(log.ran).toEqual(['generate 1']);
    expect((await engine.generate({ ...REQ, seed: 3 })).seed).toBe(3);
  });

  it('load() during a generation is refused and the generation finishes untouched', async () => {
    const { engine: inner, log } = gatedEngine();
    const engine = connect(inner);
    const gen = engine.generate({ ...REQ, seed: 5, steps: 6 });
    const load = await engine.load({ id: 'other', base: '/other' }).catch((e: unknown) => e);
    expect(load).toBeInstanceOf(EngineBusyError);
    expect((await gen).image.data[0]).toBe(5);
    expect(log.ran).toEqual(['generate 5']);
    expect(log.maxActive).toBe(1);
    expect((await engine.load({ id: 'other', base: '/other' })).base).toBe('/other');
  });

  it('aborting a refused request does not stop the one that runs', async () => {
    const { engine: inner } = gatedEngine();
    const engine = connect(inner);
    const running = engine.generate({ ...REQ, seed: 8, steps: 8 });
    const ac = new AbortController();
    const refused = engine.generate({ ...REQ, seed: 9 }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(await refused).toBeInstanceOf(EngineBusyError);
    ac.abort();
    expect((await running).seed).toBe(8);
  });

  it('a finished request\'s signal, aborted later, does not stop the next one', async () => {
    const { engine: inner } = gatedEngine();
    const engine = connect(inner);
    const ac = new AbortController();
    await engine.generate({ ...REQ, seed: 1, steps: 1 }, { signal: ac.signal });
    const next = engine.generate({ ...REQ, seed: 2, steps: 8 });
    ac.abort();
    expect((await next).seed).toBe(2);
  });

  it('DeviceLostError crosses as itself with its message; memory() and loseDevice() round-trip', async () => {
    const { engine: inner } = gatedEngine();
    const engine = connect(inner);
    expect(await engine.memory()).toEqual(MEMORY);
    await engine.loseDevice();
    const e = await engine.generate(REQ).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DeviceLostError);
    expect((e as Error).message).toContain('(destroyed)');
    expect((e as Error).message).toContain('press Generate again');
  });
});
