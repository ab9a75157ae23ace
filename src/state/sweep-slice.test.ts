import { describe, expect, it } from 'vitest';
import { flush, readyStore } from './testing/test-store.ts';
import { parseSweepValues, sweepProblems } from './sweep-slice.ts';

async function store(manual = false) {
  const { store: s, engine } = await readyStore({ manual }, {});
  return { s, engine };
}

describe('sweep slice', () => {
  it('makes the grid row by row (Y outer, X inner) with each cell’s values and the same seed', async () => {
    const { s, engine } = await store();
    s.getState().setGen('seed', 9);
    s.getState().setSweepAxis('x', { path: 'sa.in.strength', values: [2, 4, 8] });
    s.getState().setSweepAxis('y', { path: 'steps', values: [3, 5] });
    expect(await s.getState().runSweep()).toBe('done');
    expect(engine.requests.map((r) => [r.sa.in.strength, r.steps])).toEqual([[2, 3], [4, 3], [8, 3], [2, 5], [4, 5], [8, 5]]);
    expect(new Set(engine.requests.map((r) => r.seed))).toEqual(new Set([9]));
    const sw = s.getState().sweep;
    expect(sw.status).toBe('done');
    expect(sw.done).toBe(6);
    expect(sw.cells.map((c) => c?.params.sa.in.strength)).toEqual([2, 4, 8, 2, 4, 8]);
    expect(sw.cells[4]?.label).toBe('SA · Strength (down blocks) 4 · Steps 5');
  });

  it('labels show the value used after clamping (strength 80 → 50)', async () => {
    const { s, engine } = await store();
    s.getState().setSweepAxis('x', { path: 'sa.out.strength', values: [1, 80] });
    s.getState().setSweepAxis('y', { path: 'guidance', values: [1, 2] });
    await s.getState().runSweep();
    expect(engine.requests.map((r) => r.sa.out.strength)).toEqual([1, 50, 1, 50]);
    expect(s.getState().sweep.cells[1]?.label).toMatch(/^SA · Strength \(up blocks\) 50 · /);
  });

  it('Cancel stops after the cell in flight; made cells stay, the rest stay empty', async () => {
    const { s, engine } = await store(true);
    s.getState().setSweepAxis('x', { path: 'sa.in.strength', values: [2, 4] });
    s.getState().setSweepAxis('y', { path: 'sa.time_decay', values: [0, 1] });
    const running = s.getState().runSweep();
    for (let i = 0; i < 2; i++) {
      await flush();
      engine.settle();
    }
    await flush();
    expect(engine.requests).toHaveLength(3);
    s.getState().cancel();
    expect(await running).toBe('cancelled');
    const sw = s.getState().sweep;
    expect(sw.status).toBe('cancelled');
    expect(sw.done).toBe(2);
    expect(sw.cells.map((c) => c !== null)).toEqual([true, true, false, false]);
    expect(engine.requests).toHaveLength(3);
  });

  it('refuses bad axes without calling the engine', async () => {
    const { s, engine } = await store();
    s.getState().setSweepAxis('x', { path: 'steps', values: [4] });
    s.getState().setSweepAxis('y', { path: 'steps', values: [1, 2, 3, 4, 5, 6] });
    expect(await s.getState().runSweep()).toBe('error');
    expect(s.getState().run.error?.message).toMatch(/X: give 2–5 values \(got 1\).*Y: give 2–5 values \(got 6\).*same parameter/);
    expect(engine.requests).toHaveLength(0);
    expect(sweepProblems({ path: 'sa.in.strength', values: [1, 2] }, { path: 'seed', values: [1, 2, 3, 4, 5] })).toEqual([]);
  });

  it('parses values typed with commas, spaces or semicolons', () => {
    expect(parseSweepValues('2, 4.5  6;1e1')).toEqual([2, 4.5, 6, 10]);
    expect(parseSweepValues('2, x')).toBeUndefined();
    expect(parseSweepValues('')).toEqual([]);
  });
});
