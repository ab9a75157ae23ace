// The model choice: a custom URL is checked before the engine is asked for anything, Load is
// refused (with the reason) where Generate would be — no WebGPU, a model this GPU cannot run —
// and the share link carries the custom model's URL.
import { describe, expect, it } from 'vitest';
import { readyStore } from './testing/test-store.ts';
import { loadBlocker, runBlocker } from './model-choice.ts';
import { decodeUrlPreset } from '../params/url-preset.ts';

describe('custom model URLs are checked before anything is fetched', () => {
  it('refuses a bare word, ftp: and javascript: with what is accepted; the engine is never asked', async () => {
    const { store, engine } = await readyStore();
    const s = () => store.getState();
    s().setGen('model', 'custom');
    for (const [bad, says] of [['not a url', /is not a web address/], ['ftp://example.com/sd', /ftp: address is not accepted/], ['javascript:alert(1)', /javascript: address is not accepted/]] as const) {
      s().setCustomBase(bad);
      const why = loadBlocker(s());
      expect(why?.message, bad).toMatch(says);
      expect(why?.hint, bad).toMatch(/an https:\/\/ address/);
      expect(await s().loadModel(), bad).toBe('error');
      expect(s().run.error?.message, bad).toMatch(says);
      expect(await s().generate(), bad).toBe('error');
    }
    expect(engine.loads).toEqual([]);
    s().setCustomBase('https://example.com/sd');
    expect(loadBlocker(s())).toBeUndefined();
    expect(await s().loadModel()).toBe('done');
    expect(engine.loads).toEqual([{ id: 'custom', base: 'https://example.com/sd' }]);
  });
});

describe('Load is refused where the model cannot run (bug: "Load now" started a download the app then refused)', () => {
  it('a model marked "cannot run here": no load, the reason as the error', async () => {
    const { store, engine } = await readyStore();
    store.getState().selectModel('f16');
    expect(loadBlocker(store.getState())).toMatchObject({ name: 'ModelRefused', message: 'Test f16 needs shader-f16.' });
    expect(await store.getState().loadModel()).toBe('error');
    expect(store.getState().run.error?.message).toBe('Test f16 needs shader-f16.');
    expect(engine.loads).toEqual([]);
  });

  it('no WebGPU: no load, the probe message as the error', async () => {
    const { store, engine } = await readyStore({ gpu: { kind: 'unavailable', message: 'no adapter here' } });
    expect(loadBlocker(store.getState())).toMatchObject({ name: 'WebGPUUnavailableError', message: 'no adapter here' });
    expect(await store.getState().loadModel()).toBe('error');
    expect(engine.loads).toEqual([]);
  });

  it('a size the model refuses blocks Generate but not Load', async () => {
    const { store } = await readyStore();
    store.getState().selectModel('fixed');
    store.getState().setGen('width', 256);
    expect(runBlocker(store.getState())?.name).toBe('SizeRefused');
    expect(loadBlocker(store.getState())).toBeUndefined();
  });
});

describe('the share link', () => {
  it('carries the custom model URL (bug: m=custom only)', async () => {
    const { store } = await readyStore();
    store.getState().setGen('model', 'custom');
    store.getState().setCustomBase('https://huggingface.co/me/sd/resolve/main');
    const link = decodeUrlPreset(store.getState().toUrl());
    expect(link.customBase).toBe('https://huggingface.co/me/sd/resolve/main');
    expect(link.params.gen.model).toBe('custom');
  });
});
