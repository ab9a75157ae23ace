// SdEngine on Dawn (SwiftShader) with the tiny model: device loss mid-generation and recovery
// without a download, GPU memory (every buffer on the device, ORT's included) holding at its level
// after the first generation and back to 0 after unload, and per-kernel SA timing from timestamp
// queries. 64×64, 1 step, no CFG: the device loss comes first so that only one generation pays for
// shader compilation.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { nodeGpu, ortWasmDir } from '../gpu/node-gpu.ts';
import { webGpuRuntime } from '../gpu/runtime.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import { memoryModelCache } from './model-source.ts';
import { SdEngine } from './sd-engine.ts';
import { DeviceLostError, type EngineMemory, type GenerateResult } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';

const BASE = 'mem://tiny';
const N = 2;
// SA at full strength from the first step, so the pooling pass runs and gets timed.
const REQ: GenerateRequest = {
  prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 1, guidance: 0, width: 64, height: 64, scheduler: 'euler',
  sa: { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 } },
};

let engine: SdEngine;
let fetches = 0;
let first: GenerateResult;
let afterFirst: EngineMemory;

beforeAll(async () => {
  const files = memoryFetch(buildPipeline('tiny', { attention: 'torch2', dtype: 'float32', seed: 1 }), BASE);
  const fetchImpl = ((url: RequestInfo | URL) => (fetches++, files(url))) as typeof fetch;
  engine = new SdEngine({ gpu: webGpuRuntime({ ortWasmPaths: ortWasmDir(), gpu: await nodeGpu() }), cache: memoryModelCache(), fetchImpl });
  await engine.load({ id: 'tiny', base: BASE });
});

function finiteImage(r: GenerateResult): void {
  expect([r.image.width, r.image.height, r.image.data.length]).toEqual([64, 64, 64 * 64 * 4]);
  expect(r.latents!.every(Number.isFinite)).toBe(true);
  expect(Math.max(...r.image.data) - Math.min(...r.image.data)).toBeGreaterThan(0);
}

describe('SdEngine (tiny on Dawn): probe, device loss, GPU memory, kernel timing', () => {
  it('probe: the ORT↔kernel self-check passes on the device the model was loaded on (no second device)', async () => {
    const status = await engine.probe();
    expect(status.kind, JSON.stringify(status)).toBe('ready');
    if (status.kind === 'ready') expect(status.selfCheck.ok).toBe(true);
    expect((await engine.memory()).deviceCount).toBe(1);
  });

  it('a device lost mid-generation rejects it with DeviceLostError; the next generation works on a new device without downloading', async () => {
    const downloads = fetches;
    expect((await engine.memory()).deviceCount).toBe(1);
    const lost = engine.generate(REQ, { onProgress: (p) => void (p.stage === 'text' && engine.loseDevice()) });
    const err = await lost.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceLostError);
    expect((err as Error).message).toMatch(/device was lost.*press Generate again/);
    first = await engine.generate(REQ);
    finiteImage(first);
    expect((await engine.memory()).deviceCount).toBe(2);
    expect(fetches).toBe(downloads);
    afterFirst = await engine.memory();
    expect(afterFirst.liveBuffers).toBeGreaterThan(0);
    expect(engine.liveBuffers()).toBe(0);
  });

  // N = 2 keeps this file's CI cost down (each warm generation is ~20–45 s here); the soak suite
  // (npm run test:soak) holds the level over 50 generations in the browser.
  it(`each further generation (to ${N}) leaves live GPU buffers and bytes exactly at the level after generation 1, with the same pixels`, async () => {
    for (let i = 2; i <= N; i++) {
      const r = await engine.generate(REQ);
      const m = await engine.memory();
      expect({ buffers: m.liveBuffers, bytes: m.liveBytes }, `after generation ${i}`).toEqual({ buffers: afterFirst.liveBuffers, bytes: afterFirst.liveBytes });
      expect(m.created).toBeGreaterThan(afterFirst.created); // staging buffers came and went
      expect(Buffer.from(r.image.data).equals(Buffer.from(first.image.data))).toBe(true);
      first = r;
    }
  });

  it('SA timing: pool / projections / attention from timestamp queries, each ≥ 0 and finite, summing to at most the sites\' wall time', () => {
    const t = first.timings;
    const wall = t.saWall;
    expect(wall).toBeGreaterThan(0);
    if (t.method === 'timestamp-query') {
      const parts = [t.saPool, t.saProject, t.saAttention];
      for (const p of parts) expect(Number.isFinite(p) && p >= 0).toBe(true);
      expect(t.saPool + t.saProject + t.saAttention).toBeLessThanOrEqual(wall);
      expect(t.saProject + t.saAttention).toBeGreaterThan(0);
      expect(t.saPool).toBeGreaterThan(0); // the input-side sites pool (strength 9, no decay)
    } else {
      expect(t.method).toBe('submitted-work-done');
      expect([t.saPool, t.saProject, t.saAttention]).toEqual([0, 0, wall]);
    }
  });

  it('unload releases the model: every buffer, ORT\'s and ours, is destroyed (0 live), not just dropped', async () => {
    await engine.unload();
    const m = await engine.memory();
    // ORT frees its buffer cache with the last session on its context, so nothing may remain.
    expect({ buffers: m.liveBuffers, bytes: m.liveBytes }, JSON.stringify(engine.memoryByLabel().slice(0, 8))).toEqual({ buffers: 0, bytes: 0 });
  });
});
