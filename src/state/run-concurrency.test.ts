// The device runs one thing at a time: quick repeated Generate clicks, Compare/Sweep/Load while a
// job runs, changing the model mid-generation and random interleavings of all of these never
// put two engine calls (load or generate) in flight at once; a failed load of another model
// leaves the previous one loaded and usable without a reload.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flush, readyStore } from './testing/test-store.ts';
import type { JobOutcome } from './run-slice.ts';

const loadFailure = Object.assign(new Error('unet/model.onnx is an HTML page, not an ONNX model.'), { name: 'ModelLoadError', kind: 'format' });
const CUSTOM_BASE = 'https://example.com/broken-sd';

describe('run slice concurrency', () => {
  it('the overlap counter sees two engine calls at once (so the checks below can fail)', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const { gen, sa } = store.getState().params;
    const req = { ...gen, negativePrompt: '', init: undefined, hires: undefined, sa };
    void engine.generate(req).catch(() => {});
    void engine.load({ id: 'tiny', base: 'models/tiny' });
    expect(engine.maxCallsInFlight).toBe(2);
  });

  it('5 quick Generate clicks: one generation runs, four are refused as busy', async () => {
    const { store, engine } = await readyStore({ stepMs: 2, loadMs: 5 });
    const clicks = Array.from({ length: 5 }, () => store.getState().generate());
    expect(await Promise.all(clicks)).toEqual(['done', 'busy', 'busy', 'busy', 'busy']);
    expect(engine.loads).toHaveLength(1);
    expect(engine.requests).toHaveLength(1);
    expect(engine.maxCallsInFlight).toBe(1);
    expect(store.getState().history.items).toHaveLength(1);
    expect(await store.getState().generate()).toBe('done'); // and the next click works
  });

  it('while the model loads, Generate, Compare, Sweep and Load now are refused', async () => {
    const { store, engine } = await readyStore({ loadMs: 10 });
    const first = store.getState().generate();
    await flush();
    expect(store.getState().model.kind).toBe('loading');
    const s = store.getState();
    expect(await Promise.all([s.generate(), s.runCompare(), s.runSweep(), s.loadModel()])).toEqual(['busy', 'busy', 'busy', 'busy']);
    expect(await first).toBe('done');
    expect(engine.loads).toHaveLength(1);
    expect(engine.maxCallsInFlight).toBe(1);
  });

  it('changing the model during a generation: nothing starts until it ends, then the new model loads and runs', async () => {
    const { store, engine } = await readyStore({ manual: true });
    const running = store.getState().generate();
    await flush();
    store.getState().setGen('model', 'custom');
    store.getState().setCustomBase(CUSTOM_BASE);
    expect(await store.getState().generate()).toBe('busy');
    expect(await store.getState().loadModel()).toBe('busy');
    expect(engine.loads.map((l) => l.id)).toEqual(['tiny']);
    engine.settle();
    expect(await running).toBe('done');
    expect(store.getState().history.items[0].params.gen.model).toBe('tiny'); // the parameters it started with
    const next = store.getState().generate();
    await flush();
    engine.settle();
    expect(await next).toBe('done');
    expect(engine.loads).toEqual([{ id: 'tiny', base: 'models/tiny' }, { id: 'custom', base: CUSTOM_BASE }]);
    expect(engine.maxCallsInFlight).toBe(1);
  });

  it('a failed load of another model keeps the previous one loaded: selecting it again generates without a reload', async () => {
    const { store, engine } = await readyStore({ loadErrorFor: (src) => (src.id === 'custom' ? loadFailure : undefined) });
    const s = () => store.getState();
    expect(await s().generate()).toBe('done');
    s().setGen('model', 'custom');
    s().setCustomBase(CUSTOM_BASE);
    expect(await s().generate()).toBe('error');
    expect(s().run.error).toMatchObject({ name: 'ModelLoadError', kind: 'format', message: loadFailure.message });
    expect(s().model).toMatchObject({ kind: 'error', key: `custom:${CUSTOM_BASE}`, error: { kind: 'format' } });
    expect(s().loadedModel).toMatchObject({ key: 'tiny', info: { id: 'tiny' } });
    s().selectModel('tiny');
    expect(s().model).toMatchObject({ kind: 'ready', key: 'tiny' });
    expect(await s().generate()).toBe('done');
    expect(engine.loads.map((l) => l.id)).toEqual(['tiny', 'custom']);
    expect(s().history.items).toHaveLength(2);
  });

  it('a load the engine finished after Cancel counts as loaded: the next Generate does not load it again', async () => {
    const { store, engine } = await readyStore({ loadMs: 10 });
    const s = () => store.getState();
    s().setGen('model', 'custom');
    s().setCustomBase(CUSTOM_BASE);
    const loading = s().loadModel();
    await flush();
    s().cancel(); // the fake engine's load ignores the signal, like a load past its last download
    expect(await loading).toBe('cancelled');
    expect(s().loadedModel?.key).toBe(`custom:${CUSTOM_BASE}`);
    expect(await s().generate()).toBe('done');
    expect(engine.loads.map((l) => l.id)).toEqual(['custom']);
    expect(engine.requests).toHaveLength(1);
  });

  it('random interleavings of clicks, model changes and cancels never overlap engine calls (200 seeded runs)', async () => {
    const action = fc.constantFrom('generate', 'compare', 'sweep', 'load', 'cancel', 'custom', 'tiny', 'wait');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(action, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 25 }), async (script) => {
        const { store, engine } = await readyStore({ stepMs: 1, loadMs: 1, loadErrorFor: (src) => (src.base === CUSTOM_BASE ? loadFailure : undefined) });
        store.getState().setGen('steps', 1);
        store.getState().setCustomBase(CUSTOM_BASE);
        const jobs: Promise<JobOutcome>[] = [];
        for (const [what, ms] of script) {
          const s = store.getState();
          if (what === 'generate') jobs.push(s.generate());
          else if (what === 'compare') jobs.push(s.runCompare());
          else if (what === 'sweep') jobs.push(s.runSweep());
          else if (what === 'load') jobs.push(s.loadModel());
          else if (what === 'cancel') s.cancel();
          else if (what === 'custom') s.setGen('model', 'custom');
          else if (what === 'tiny') s.selectModel('tiny');
          if (ms) await new Promise((r) => setTimeout(r, ms));
        }
        const outcomes = await Promise.all(jobs);
        expect(engine.maxCallsInFlight).toBeLessThanOrEqual(1);
        expect(store.getState().run.job).toBeNull();
        expect(outcomes.filter((o) => o !== 'busy').length).toBeGreaterThanOrEqual(jobs.length ? 1 : 0);
        // afterwards the app still works on the embedded model
        store.getState().selectModel('tiny');
        store.getState().setGen('steps', 1);
        expect(await store.getState().generate()).toBe('done');
      }),
      { numRuns: 200, seed: 1010 },
    );
  });
});
