import { describe, expect, it } from 'vitest';
import { flush, readyStore } from './testing/test-store.ts';
import { DEFAULT_SWEEP, estimateText, fitSweepValues, parseSweepValues, sweepEstimate, sweepProblems } from './sweep-slice.ts';

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

  it('text that does not parse blocks the sweep instead of running the previous values (bug 7)', async () => {
    const { s, engine } = await store();
    s.getState().setSweepAxis('x', { path: 'sa.in.strength', values: [2, 4] });
    s.getState().setSweepText('x', '0, abc');
    expect(s.getState().sweep.input.x.unparsed).toBe('0, abc');
    const problems = sweepProblems(s.getState().sweep.x, s.getState().sweep.y, s.getState().sweep.input);
    expect(problems).toEqual(['X: "0, abc" is not a list of numbers.']);
    expect(await s.getState().runSweep()).toBe('error');
    expect(s.getState().run.error?.message).toContain('"0, abc" is not a list of numbers');
    expect(engine.requests).toHaveLength(0);
    s.getState().setSweepText('x', '0, 3');
    expect(s.getState().sweep.input.x.unparsed).toBeNull();
    expect(await s.getState().runSweep()).toBe('done');
    expect(engine.requests.map((r) => r.sa.in.strength)).toEqual([0, 3, 0, 3]); // Y: the default 2 values
  });

  it('fits out-of-range values to the parameter and says so (bug 7)', async () => {
    const { s } = await store();
    s.getState().setSweepAxis('x', { path: 'sa.in.strength', values: [2, 4] });
    s.getState().setSweepText('x', '0, 999');
    expect(s.getState().sweep.x.values).toEqual([0, 50]);
    expect(s.getState().sweep.input.x.notice).toBe('SA · Strength (down blocks) takes 0–50: using 999 → 50 (above the maximum 50).');
    s.getState().setSweepText('x', '0, 9');
    expect(s.getState().sweep.input.x.notice).toBeNull();
    // a new parameter refits the values it keeps
    s.getState().setSweepAxis('y', { path: 'steps', values: [0, 2.4, 500] });
    expect(s.getState().sweep.y.values).toEqual([1, 2, 150]);
    expect(s.getState().sweep.input.y.notice).toBe('Steps takes 1–150: using 0 → 1 (below the minimum 1), 2.4 → 2 (whole numbers only), 500 → 150 (above the maximum 150).');
    expect(fitSweepValues('width', [100, 70, 3000]).values).toEqual([104, 72, 2048]);
  });

  it('starts as a 2×2 grid and estimates its time from the last image’s (none before any image)', async () => {
    const { s } = await store();
    expect([DEFAULT_SWEEP.x.values.length, DEFAULT_SWEEP.y.values.length]).toEqual([2, 2]);
    expect(s.getState().sweep.x.values).toHaveLength(2);
    expect(sweepEstimate(s.getState())).toBeNull();
    expect(estimateText(sweepEstimate(s.getState()))).toBe('no estimate yet');
    await s.getState().generate();
    const one = s.getState().history.items.at(-1)!.timings.total;
    expect(sweepEstimate(s.getState())).toEqual({ perImageMs: one, totalMs: 4 * one });
    s.getState().setSweepAxis('x', { path: 'sa.in.strength', values: [1, 2, 3] });
    expect(sweepEstimate(s.getState())!.totalMs).toBe(6 * one);
    expect(estimateText({ perImageMs: 9000, totalMs: 36_400 })).toBe('about 36 s');
    expect(estimateText({ perImageMs: 60_000, totalMs: 540_000 })).toBe('about 9 min');
  });
});
