import { describe, expect, it, vi } from 'vitest';
import { FLASH_MS } from './flash-slice.ts';
import { encodePng } from '../image/png.ts';
import { writePngParams } from '../params/png-metadata.ts';
import { INIT_MISSING } from './params-slice.ts';
import { readFileSync } from 'node:fs';
import { parseToyVocabulary } from '../models/toy/vocabulary.ts';
import { createAppStore } from './store.ts';
import { TEST_CATALOG, TEST_ENTRIES } from './testing/fake-ports.ts';
import { fakePorts } from './testing/fake-ports.ts';
import { flush, readyStore as readyStoreWith } from './testing/test-store.ts';
import { FakeInterrupted } from './testing/fake-engine.ts';
import { runBlocker } from './model-choice.ts';

const readyStore = (opts: Parameters<typeof fakePorts>[0] = {}) => readyStoreWith(opts, { steps: 3 });

describe('run slice', () => {
  it('loads the selected model once, sends the params as the request, keeps the image in history', async () => {
    const { store, engine } = await readyStore();
    store.getState().setGen('seed', 1234);
    expect(await store.getState().generate()).toBe('done');
    expect(await store.getState().generate()).toBe('done');
    expect(engine.loads).toEqual([{ id: 'tiny', base: 'models/tiny' }]);
    expect(engine.requests).toHaveLength(2);
    expect(engine.requests[0]).toMatchObject({ seed: 1234, width: 64, height: 64, steps: 3, sa: store.getState().params.sa });
    expect(engine.requests[0].init).toBeUndefined();
    const s = store.getState();
    expect(s.model.kind).toBe('ready');
    expect(s.history.items.map((r) => r.params.gen.seed)).toEqual([1234, 1234]);
    expect(s.history.items[1].image.width).toBe(64);
    expect(s.run).toMatchObject({ job: null, outcome: 'done', error: null });
  });

  it('never has two generations in flight: a second Generate (or compare, sweep) while running is refused', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const first = store.getState().generate();
    await flush();
    expect(store.getState().run.job).toBe('generate');
    expect(await store.getState().generate()).toBe('busy');
    expect(await store.getState().runCompare()).toBe('busy');
    expect(await store.getState().runSweep()).toBe('busy');
    expect(engine.requests).toHaveLength(1);
    engine.settle();
    expect(await first).toBe('done');
    expect(engine.maxInFlight).toBe(1);
    expect(store.getState().history.items).toHaveLength(1);
  });

  it('guards engine.generate itself when a job body asks for two images at once', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const { gen, sa } = store.getState().params;
    const done = store.getState().runJob('generate', async (ctx) => {
      await Promise.all([ctx.generate({ gen, sa }, { kind: 'single', label: 'a' }), ctx.generate({ gen, sa }, { kind: 'single', label: 'b' })]);
    });
    await flush();
    expect(engine.requests).toHaveLength(1);
    engine.settle();
    expect(await done).toBe('error');
    expect(store.getState().run.error?.message).toMatch(/already running/);
    expect(engine.maxInFlight).toBe(1);
  });

  it('Cancel interrupts the engine; nothing lands in history; the next Generate works', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const running = store.getState().generate();
    await flush();
    store.getState().cancel();
    expect(store.getState().run.cancelling).toBe(true);
    expect(await running).toBe('cancelled');
    expect(engine.interrupts).toBe(1);
    expect(store.getState().run).toMatchObject({ job: null, outcome: 'cancelled', error: null, cancelling: false });
    expect(store.getState().history.items).toHaveLength(0);
    const again = store.getState().generate();
    await flush();
    engine.settle();
    expect(await again).toBe('done');
    expect(store.getState().history.items).toHaveLength(1);
  });

  it('shows engine errors plainly (name, kind, what to do) and stays usable', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const running = store.getState().generate();
    await flush();
    engine.fail(Object.assign(new Error('unet/model.onnx: 404'), { name: 'ModelLoadError', kind: 'not-found' }));
    expect(await running).toBe('error');
    expect(store.getState().run.error).toMatchObject({ name: 'ModelLoadError', kind: 'not-found', message: 'unet/model.onnx: 404' });
    expect(store.getState().run.error?.hint).toMatch(/base URL/);
    store.getState().dismissRunError();
    expect(store.getState().run.error).toBeNull();
    // an interruption the user did not ask for is still shown as cancelled, not as an error
    const next = store.getState().generate();
    await flush();
    engine.fail(new FakeInterrupted());
    expect(await next).toBe('cancelled');
  });

  it('a failed model load is kept on the model and reported', async () => {
    const { store, engine } = await readyStore({ loadError: Object.assign(new Error('offline'), { name: 'ModelLoadError', kind: 'network' }) });
    expect(await store.getState().generate()).toBe('error');
    expect(store.getState().model).toMatchObject({ kind: 'error', key: 'tiny', error: { kind: 'network' } });
    expect(store.getState().run.error?.hint).toMatch(/CORS/);
    expect(engine.requests).toHaveLength(0);
  });

  it('img2img: the init image is resized to the output size and sent with the denoise strength', async () => {
    const { store, engine } = await readyStore();
    store.getState().setGen('denoise', 0.6);
    store.getState().setInitImage({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(200) });
    expect(await store.getState().generate()).toBe('done');
    const init = engine.requests[0].init!;
    expect(init.strength).toBe(0.6);
    expect([init.image.width, init.image.height]).toEqual([64, 64]);
    expect(init.image.data.every((v) => v === 200)).toBe(true);
    expect(store.getState().history.items[0].img2img).toBe(true);
  });

  it('refuses what cannot run before calling the engine: custom model without URL, fp16 without shader-f16, wrong size', async () => {
    const { store, engine } = await readyStore();
    const s = () => store.getState();
    s().setGen('model', 'custom');
    expect(runBlocker(s())?.message).toMatch(/no base URL/);
    expect(await s().generate()).toBe('error');
    s().setCustomBase('https://example.com/sd');
    expect(runBlocker(s())).toBeUndefined();
    s().selectModel('f16');
    expect(runBlocker(s())?.message).toMatch(/shader-f16/);
    s().selectModel('fixed');
    expect(s().params.gen.width).toBe(512);
    expect(runBlocker(s())).toBeUndefined();
    s().setGen('width', 256);
    expect(runBlocker(s())?.message).toMatch(/512×512 only/);
    s().setGen('model', 'nope');
    expect(runBlocker(s())?.message).toMatch(/no model called "nope"/);
    expect(engine.loads).toHaveLength(0);
    expect(engine.requests).toHaveLength(0);
  });

  it('WebGPU unavailable blocks generation with the probe message', async () => {
    const { store } = await readyStore({ gpu: { kind: 'unavailable', message: 'no adapter here' } });
    expect(runBlocker(store.getState())).toMatchObject({ name: 'WebGPUUnavailableError', message: 'no adapter here' });
  });

  it('switching model says which settings took the new model’s defaults (and nothing when none changed)', async () => {
    const { store } = await readyStore();
    store.getState().setGen('steps', 20);
    store.getState().setGen('guidance', 3);
    store.getState().setGen('scheduler', 'ddim');
    store.getState().selectModel('f16'); // test entry: euler, 4 steps, CFG 7.5, 512×512
    expect(store.getState().params.notices).toEqual([
      { path: 'model', level: 'info', message: 'Steps 20→4, CFG 3→7.5, size 64×64→512×512, sampler DDIM→Euler: the defaults of Test f16.' },
    ]);
    store.getState().selectModel('fixed'); // same defaults: no new notice, the last one is kept once
    expect(store.getState().params.notices.map((n) => n.path)).toEqual(['model']);
    store.getState().selectModel('tiny');
    expect(store.getState().params.notices.map((n) => n.message)).toEqual(['size 512×512→128×128: the defaults of Test tiny.']);
  });

  it('a confirmation (Link copied.) goes after a few seconds or when the next generation starts; errors stay until then', async () => {
    vi.useFakeTimers();
    try {
      const { store } = await readyStore({ manual: true });
      store.getState().showFlash({ place: 'share', text: 'Link copied.' });
      vi.advanceTimersByTime(FLASH_MS - 1);
      expect(store.getState().flash?.text).toBe('Link copied.');
      vi.advanceTimersByTime(1);
      expect(store.getState().flash).toBeNull();
      store.getState().showFlash({ place: 'image', text: 'Could not save the PNG: x', sticky: true });
      vi.advanceTimersByTime(10 * FLASH_MS);
      expect(store.getState().flash?.text).toBe('Could not save the PNG: x');
      const running = store.getState().generate();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.getState().run.job).toBe('generate');
      expect(store.getState().flash).toBeNull();
      store.getState().cancel();
      await running;
    } finally {
      vi.useRealTimers();
    }
  });

  it('restoring an img2img result brings back its init image (one copy shared by history), a txt2img one clears it', async () => {
    const { store, engine } = await readyStore();
    const s = () => store.getState();
    const init = { width: 2, height: 2, data: new Uint8ClampedArray(16).fill(200) };
    s().setGen('denoise', 0.6);
    s().setInitImage(init);
    await s().generate();
    s().setGen('seed', 77);
    await s().generate();
    const [a, b] = s().history.items;
    expect(a.init).toBe(init);
    expect(b.init).toBe(a.init); // the same object: history holds the init image once
    s().setInitImage(null);
    await s().generate();
    const txt = s().history.items[2];
    expect(txt.init).toBeUndefined();
    s().setGen('denoise', 0.3);
    s().restoreResult(a);
    expect([s().initImage, s().params.gen.denoise, s().params.gen.seed]).toEqual([init, 0.6, a.params.gen.seed]);
    await s().generate();
    expect(engine.requests.at(-1)!.init).toMatchObject({ strength: 0.6 });
    expect(engine.requests.at(-1)!.init!.image.data.every((v) => v === 200)).toBe(true);
    s().restoreResult(txt);
    expect(s().initImage).toBeNull();
  });

  it('a dropped img2img PNG says its init image is missing and generates txt2img; a txt2img PNG keeps the init image', async () => {
    const { store, engine } = await readyStore();
    const s = () => store.getState();
    const png = await encodePng(new Uint8Array(4), 1, 1);
    const set = { gen: { ...s().params.gen, denoise: 0.4, seed: 11 }, sa: s().params.sa };
    s().setInitImage({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(9) });
    const notices = s().restoreFromPng(writePngParams(png, set, { img2img: true }), 'made-with-img2img.png');
    expect(notices.map((n) => n.path)).toEqual(['file', INIT_MISSING]);
    expect(notices[1].message).toMatch(/^made-with-img2img\.png was made with img2img, but its init image is not in the file: Generate makes a txt2img image/);
    expect([s().initImage, s().params.gen.denoise, s().params.gen.seed]).toEqual([null, 0.4, 11]);
    await s().generate();
    expect(engine.requests.at(-1)!.init).toBeUndefined();
    const init = { width: 2, height: 2, data: new Uint8ClampedArray(16).fill(9) };
    s().setInitImage(init);
    expect(s().restoreFromPng(writePngParams(png, set), 'txt.png').map((n) => n.path)).toEqual(['file']);
    expect(s().initImage).toBe(init);
  });

  it('a model with a vocabulary gets its trained caption form (“a orange”); the prompt and history keep “an orange”', async () => {
    const ports = fakePorts();
    const toy = { ...TEST_ENTRIES[0], vocabularyFile: 'slothful_toy.json' };
    const store = createAppStore({ ...ports, models: { ...TEST_CATALOG, entries: [toy, ...TEST_ENTRIES.slice(1)] } });
    const vocabulary = parseToyVocabulary(JSON.parse(readFileSync('public/models/toy/slothful_toy.json', 'utf8')))!;
    store.setState({ vocabularies: { 'models/toy/slothful_toy.json': { kind: 'ready', vocabulary } } });
    await store.getState().checkGpu();
    store.getState().setGen('model', 'toy');
    store.getState().setGen('prompt', 'an orange circle on a white background');
    store.getState().setGen('negativePrompt', 'an orange square');
    expect(await store.getState().generate()).toBe('done');
    expect(ports.engine.requests[0]).toMatchObject({ prompt: 'a orange circle on a white background', negativePrompt: 'a orange square' });
    expect(store.getState().history.items[0].params.gen.prompt).toBe('an orange circle on a white background');
    store.getState().setGen('model', 'tiny'); // no vocabulary: sent as typed
    expect(await store.getState().generate()).toBe('done');
    expect(ports.engine.requests[1].prompt).toBe('an orange circle on a white background');
  });
});
