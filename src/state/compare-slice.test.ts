import { describe, expect, it } from 'vitest';
import { flush, readyStore } from './testing/test-store.ts';
import { COMPARE_LABELS, timingRatios } from './compare-slice.ts';
import { resultCaption } from '../ui/ImageView.tsx';

async function store(manual = false, compileMs = 0) {
  const { store: s, engine } = await readyStore({ manual, compileMs }, { seed: 77 });
  return { s, engine };
}

/** PSNR written out from its definition, independent of src/image/metrics.ts. */
function refPsnr(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    sum += (a[i] - b[i]) ** 2;
    n++;
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

describe('compare slice', () => {
  it('runs SA off, then SA on, with the same seed and otherwise identical requests', async () => {
    const { s, engine } = await store();
    s.getState().setSa('enabled', false); // the SA run turns it on whatever the panel says
    s.getState().setGen('hires.enabled', true);
    s.getState().setGen('steps', 6);
    expect(await s.getState().runCompare()).toBe('done');
    const [warm, off, on] = engine.requests;
    expect(engine.requests).toHaveLength(3);
    expect(warm).toEqual({ ...on, steps: 2, hires: { ...on.hires!, steps: 2 } });
    expect(off.sa.enabled).toBe(false);
    expect(off.hires?.sa.enabled).toBe(false);
    expect(on.sa.enabled).toBe(true);
    expect(on.hires?.sa.enabled).toBe(true);
    expect(off.seed).toBe(77);
    expect(on.seed).toBe(77);
    const strip = (r: typeof off) => ({ ...r, sa: { ...r.sa, enabled: null }, hires: { ...r.hires!, sa: { ...r.hires!.sa, enabled: null } } });
    expect(strip(on)).toEqual(strip(off));
    const c = s.getState().compare;
    expect(c.status).toBe('done');
    // The viewer shows "<label> · <caption>": SA's state is said once (it read "SA on · … · SA on").
    const shown = (r: NonNullable<typeof c.sa>) => `${r.label} · ${resultCaption(r)}`;
    expect(shown(c.baseline!).match(/SA (on|off)/g)).toEqual(['SA off']);
    expect(shown(c.sa!).match(/SA (on|off)/g)).toEqual(['SA on']);
    expect(s.getState().history.items.map((r) => r.kind)).toEqual(['baseline', 'sa']);
  });

  it('measures the pair: PSNR as defined, SSIM in (0, 1), a difference map of the same size', async () => {
    const { s } = await store();
    await s.getState().runCompare();
    const c = s.getState().compare;
    const m = c.metrics!;
    expect(m.psnr).toBeCloseTo(refPsnr(c.baseline!.image.data, c.sa!.image.data), 10);
    expect(Number.isFinite(m.psnr)).toBe(true);
    expect(m.ssim).toBeGreaterThan(0);
    expect(m.ssim).toBeLessThan(1);
    expect([m.diff.width, m.diff.height]).toEqual([64, 64]);
    expect(m.maxDiff).toBeGreaterThan(0);
    const r = timingRatios(c.baseline!.timings, c.sa!.timings);
    expect(r.total).toBeCloseTo(c.sa!.timings.total / c.baseline!.timings.total, 12);
  });

  it('Cancel after the baseline stops before the SA run', async () => {
    const { s, engine } = await store(true);
    const running = s.getState().runCompare();
    await flush();
    engine.settle(); // the warm-up
    await flush();
    engine.settle();
    await flush();
    expect(s.getState().compare.baseline).not.toBeNull();
    s.getState().cancel();
    expect(await running).toBe('cancelled');
    const c = s.getState().compare;
    expect(c.status).toBe('cancelled');
    expect(c.sa).toBeNull();
    expect(c.metrics).toBeNull();
  });

  it('a fresh page compares like with like: an untimed warm-up pays the compiles (bug 1)', async () => {
    const { s, engine } = await store(false, 20_000);
    expect(await s.getState().runCompare()).toBe('done');
    const fresh = s.getState().compare;
    const freshRatio = timingRatios(fresh.baseline!.timings, fresh.sa!.timings).total;
    expect(fresh.warmUp).toEqual({ kind: 'ran', steps: 2, ms: expect.any(Number) as number });
    expect(fresh.warmUp?.kind === 'ran' && fresh.warmUp.ms).toBeGreaterThan(20_000);
    expect(s.getState().history.items.map((r) => r.label)).toEqual([COMPARE_LABELS.baseline, COMPARE_LABELS.sa]); // no warm-up there
    expect(await s.getState().runCompare()).toBe('done');
    const warm = s.getState().compare;
    expect(warm.warmUp).toEqual({ kind: 'earlier' });
    expect(engine.requests).toHaveLength(5); // one warm-up for both pairs
    const warmRatio = timingRatios(warm.baseline!.timings, warm.sa!.timings).total;
    expect(Math.abs(freshRatio / warmRatio - 1)).toBeLessThan(0.15);
  });

  it('warms up again for another size, and after the model is loaded again', async () => {
    const { s, engine } = await store(false, 1000);
    await s.getState().runCompare();
    s.getState().setGen('width', 128);
    await s.getState().runCompare();
    expect(s.getState().compare.warmUp?.kind).toBe('ran');
    expect(engine.requests.map((r) => r.steps)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(engine.requests.map((r) => r.width)).toEqual([64, 64, 64, 128, 128, 128]);
    s.getState().setGen('guidance', 1); // no CFG: batch 1, other shapes
    await s.getState().runCompare();
    expect(s.getState().compare.warmUp?.kind).toBe('ran');
    expect(engine.requests).toHaveLength(9);
    s.setState({ loadedModel: null }); // the engine loads it anew: new sessions, new compiles
    await s.getState().runCompare();
    expect(s.getState().compare.warmUp?.kind).toBe('ran');
    expect(engine.loads).toHaveLength(2);
  });
});
