import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { serveEngine, WorkerEngine, type Port } from './worker-protocol.ts';
import { GenerationInterrupted, type Engine, type GenerateRequest, type GenerateResult, type ModelInfo } from './engine.ts';
import { ModelLoadError } from './model-source.ts';
import { DEFAULT_SA_PARAMS } from '../sa/params.ts';

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
  defaults: { width: 64, height: 64, steps: 2, guidance: 7, scheduler: 'euler' },
};

/** A fake engine whose generate takes `steps` ticks of 5 ms and can be interrupted. */
function fakeEngine(): Engine {
  let stop = false;
  return {
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
        opts?.onProgress?.({ stage: 'unet', step: i + 1, total: req.steps, elapsedMs: 5 * (i + 1) });
      }
      const data = new Uint8ClampedArray(req.width * req.height * 4).fill(req.seed & 255);
      return { image: { width: req.width, height: req.height, data }, timings: { text: 1, unetOrt: 2, saPool: 0, saProject: 0, saAttention: 0, vae: 1, total: 4, method: 'test' }, timesteps: [999], seed: req.seed } satisfies GenerateResult;
    },
    interrupt: () => void (stop = true),
    unload: async () => undefined,
  };
}

const REQ: GenerateRequest = { prompt: 'a', negativePrompt: '', seed: 7, steps: 4, guidance: 7, width: 8, height: 8, scheduler: 'euler', sa: DEFAULT_SA_PARAMS };

let channels: MessageChannel[] = [];
function connect(): WorkerEngine {
  const ch = new MessageChannel();
  channels.push(ch);
  serveEngine(asPort(ch.port2), fakeEngine());
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
