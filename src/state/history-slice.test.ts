import { describe, expect, it } from 'vitest';
import { createAppStore } from './store.ts';
import { fakePorts } from './testing/fake-ports.ts';
import { HISTORY_LIMIT, shownResult } from './history-slice.ts';
import type { RunResult } from './run-slice.ts';

function result(id: number): RunResult {
  return {
    id, kind: 'single', label: '', image: { width: 1, height: 1, data: new Uint8ClampedArray(4) },
    timings: { text: 0, unetOrt: 0, saPool: 0, saProject: 0, saAttention: 0, saWall: 0, vae: 0, total: 0, method: 'x' },
    timesteps: [], seed: id, params: { gen: { model: 'tiny' }, sa: {} } as unknown as RunResult['params'], img2img: false, createdAt: id,
  };
}

describe('history slice', () => {
  it(`keeps the newest ${HISTORY_LIMIT} images, oldest first, and shows the newest`, () => {
    const store = createAppStore(fakePorts());
    for (let id = 1; id <= HISTORY_LIMIT + 10; id++) store.getState().addResult(result(id));
    const h = store.getState().history;
    expect(h.items.map((r) => r.id)).toEqual(Array.from({ length: HISTORY_LIMIT }, (_, i) => i + 11));
    expect(shownResult(h)?.id).toBe(HISTORY_LIMIT + 10);
  });

  it('shows a clicked image; one that is dropped or unknown falls back to the newest', () => {
    const store = createAppStore(fakePorts());
    for (let id = 1; id <= 3; id++) store.getState().addResult(result(id));
    store.getState().selectResult(2);
    expect(shownResult(store.getState().history)?.id).toBe(2);
    store.getState().selectResult(99);
    expect(store.getState().history.selectedId).toBeNull();
    expect(shownResult(store.getState().history)?.id).toBe(3);
    store.getState().selectResult(1);
    for (let id = 4; id <= HISTORY_LIMIT + 3; id++) store.getState().addResult(result(id));
    store.getState().selectResult(1);
    expect(shownResult(store.getState().history)?.id).toBe(HISTORY_LIMIT + 3);
  });

  it('moving sliders and loading links loses no image', async () => {
    const store = createAppStore(fakePorts());
    store.getState().setGen('width', 64);
    store.getState().setGen('height', 64);
    await store.getState().generate();
    const before = store.getState().history.items;
    store.getState().setSa('in.strength', 12);
    store.getState().setGen('steps', 7);
    store.getState().loadFromUrl('v=1&s=5');
    store.getState().resetSa();
    expect(store.getState().history.items).toBe(before);
    expect(before).toHaveLength(1);
  });
});
