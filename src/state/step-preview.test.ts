// Step previews in the store: asked for by a single generation while Show steps is on, the newest
// one shown while the job runs, nothing left behind however the job ends.
import { describe, expect, it } from 'vitest';
import { flush, readyStore } from './testing/test-store.ts';
import { fakePreview } from './testing/fake-engine.ts';

const start = async (opts: Parameters<typeof readyStore>[0] = {}) => {
  const { store, engine } = await readyStore({ manual: true, ...opts }, { steps: 3 });
  const running = store.getState().generate();
  await flush();
  return { store, engine, running };
};

describe('step previews (run slice)', () => {
  it('on by default: Generate asks for them; each step replaces the last; done leaves only the final image', async () => {
    const { store, engine, running } = await start();
    expect(store.getState().showSteps).toBe(true);
    expect(engine.requests[0].previews).toBe(true);
    expect(store.getState().stepPreview).toBeNull();
    engine.step(1);
    expect(store.getState().stepPreview).toMatchObject({ step: 1, total: 3, image: { width: 8, height: 8 } });
    engine.step(2);
    const shown = store.getState().stepPreview!;
    expect(shown.step).toBe(2);
    expect(shown.image.data).toEqual(fakePreview(engine.requests[0], 2).data);
    engine.settle();
    expect(await running).toBe('done');
    expect(store.getState().stepPreview).toBeNull();
    expect(store.getState().history.items).toHaveLength(1);
  });

  it('cleared after Cancel; a progress arriving after the job ended is not shown', async () => {
    const { store, engine, running } = await start();
    engine.step(1);
    const call = engine.pending[0];
    store.getState().cancel();
    expect(await running).toBe('cancelled');
    expect(store.getState().stepPreview).toBeNull();
    call.onProgress?.({ stage: 'unet', step: 2, total: 3, elapsedMs: 2, preview: fakePreview(call.req, 2) });
    expect(store.getState().stepPreview).toBeNull();
  });

  it('cleared after an error', async () => {
    const { store, engine, running } = await start();
    engine.step(1);
    expect(store.getState().stepPreview).not.toBeNull();
    engine.fail(new Error('device went away'));
    expect(await running).toBe('error');
    expect(store.getState().stepPreview).toBeNull();
  });

  it('Show steps off: not asked for; turned off mid-generation, the preview goes and stays gone', async () => {
    const { store, engine, running } = await start();
    engine.step(1);
    store.getState().setShowSteps(false);
    expect(store.getState().stepPreview).toBeNull();
    engine.step(2);
    expect(store.getState().stepPreview).toBeNull();
    engine.settle();
    await running;
    const next = store.getState().generate();
    await flush();
    expect(engine.requests[1].previews).toBeUndefined();
    engine.step(1);
    expect(store.getState().stepPreview).toBeNull();
    engine.settle();
    expect(await next).toBe('done');
  });

  it('a comparison does not ask for previews (its timings stay free of them)', async () => {
    const { store, engine } = await readyStore({}, { steps: 2 });
    expect(await store.getState().runCompare()).toBe('done');
    expect(engine.requests.length).toBeGreaterThanOrEqual(2);
    expect(engine.requests.some((r) => r.previews)).toBe(false);
    expect(store.getState().stepPreview).toBeNull();
  });
});
