import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The real schedulers are the reference for the pure preview (tests may import pipeline code).
import { createScheduler } from '../pipeline/schedulers/index.ts';
import type { SchedulerName } from '../params/request.ts';
import { DEFAULT_SA_PARAMS, sdUnetSites } from '../sa/index.ts';
import { decodeModel } from '../onnx/proto.ts';
import { findAttnSites } from '../onnx/sites.ts';
import { MODEL_REGISTRY, refusalReason, sizeRefusal } from '../pipeline/registry.ts';
import { EMBEDDED_MODEL_ID } from '../params/model-defaults.ts';
import { buildHeatmap, heatmapFor, previewTimesteps, shortSiteName } from './heatmap.ts';
import { createAppStore } from './store.ts';
import { fakePorts } from './testing/fake-ports.ts';
import { flush } from './testing/test-store.ts';

const PIPELINE_NAME: Record<SchedulerName, SchedulerName> = {
  euler: 'euler', 'euler-ancestral': 'euler-ancestral', ddim: 'ddim', 'dpmpp-2m-karras': 'dpmpp-2m-karras', lcm: 'lcm',
};

describe('previewTimesteps', () => {
  const cases: [SchedulerName, number, number][] = [];
  for (const name of ['euler', 'euler-ancestral', 'ddim', 'dpmpp-2m-karras'] as const) {
    for (const steps of [1, 4, 20, 37]) for (const strength of [1, 0.75, 0.3]) if (Math.trunc(steps * strength) >= 1) cases.push([name, steps, strength]);
  }
  for (const [steps, strength] of [[4, 1], [8, 1], [4, 0.5]] as const) cases.push(['lcm', steps, strength]);

  it.each(cases)('%s, %i steps, strength %s: equals the scheduler’s run timesteps', (name, steps, strength) => {
    const sch = createScheduler(PIPELINE_NAME[name], { steps, strength });
    expect(previewTimesteps(name, steps, strength)).toEqual(sch.timesteps.slice(sch.beginIndex));
  });
});

describe('heatmap', () => {
  it('has one row per site in execution order and one cell per step, labelled as windowLabel', () => {
    const sites = sdUnetSites();
    const h = buildHeatmap('first', DEFAULT_SA_PARAMS, sites, [999, 500, 0], 'preview', { h: 64, w: 64 });
    expect(h.rows.map((r) => r.site.side)).toEqual(sites.map((s) => s.side));
    expect(h.rows.every((r) => r.cells.length === 3)).toBe(true);
    // in L0 at t = 500 (time 0.5): s = 6 · exp(−(0.1·2)²) ≈ 5.76 → 3×2 (SPEC §3 table)
    expect(h.rows[0].cells[1]).toMatchObject({ label: '3×2', active: true });
    expect(h.rows[0].cells[1].reduction).toBeCloseTo((64 * 64) / (21 * 32), 12);
    // mid block with keep_middle: plain
    expect(h.rows.find((r) => r.site.side === 'mid')!.cells.map((c) => c.label)).toEqual(['—', '—', '—']);
    expect(shortSiteName(sites[1])).toBe('in L0 · 0.1');
  });

  it('follows the sliders: a larger depth_decay clears the deep rows', () => {
    const store = createAppStore(fakePorts());
    const deepIn = () => heatmapFor(store.getState()).rows.filter((r) => r.site.side === 'in' && r.site.level === 1).flatMap((r) => r.cells.map((c) => c.label));
    store.getState().setGen('steps', 10);
    const before = deepIn();
    expect(before.some((l) => l !== '—')).toBe(true);
    store.getState().setSa('in.depth_decay', 4);
    expect(deepIn().every((l) => l === '—')).toBe(true);
  });

  it('uses the engine’s timesteps port when wired, and the hires pass’s own size and SA', () => {
    const store = createAppStore({ ...fakePorts(), timestepsFor: (_s, steps) => Array.from({ length: steps }, () => 321) });
    store.getState().setGen('width', 256);
    store.getState().setGen('height', 512);
    store.getState().setGen('hires.scale', 2);
    const h = heatmapFor(store.getState(), 'hires');
    expect(h.source).toBe('schedule');
    expect(h.timesteps).toEqual(Array(store.getState().params.gen.hires.steps).fill(321));
    expect(h.latent).toEqual({ h: 128, w: 64 });
  });

  it('img2img with no denoising step (1 step × denoise 0.75) gives an empty heatmap, not a crash', () => {
    const timestepsFor = (scheduler: SchedulerName, steps: number, strength: number) => {
      const s = createScheduler(scheduler, { steps, strength });
      return s.timesteps.slice(s.beginIndex);
    };
    const store = createAppStore({ ...fakePorts(), timestepsFor });
    store.getState().setGen('steps', 1);
    store.getState().setInitImage({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(200) });
    expect(() => timestepsFor('euler', 1, 0.75)).toThrow(/leaves no denoising step/);
    const h = heatmapFor(store.getState());
    expect(h.timesteps).toEqual([]);
    store.getState().setGen('steps', 4);
    expect(heatmapFor(store.getState()).timesteps).toHaveLength(3);
  });
});

describe('heatmap sites before a model is loaded', () => {
  const registryStore = () => createAppStore({ ...fakePorts(), models: { entries: MODEL_REGISTRY, refusalReason, sizeRefusal } });
  const siteOf = (r: { site: { name: string; side: string; level: number; channels: number } }) => ({ name: r.site.name, side: r.site.side, level: r.site.level, channels: r.site.channels });

  it('shows the embedded toy model’s own 4 sites (its layout in the catalog), not SD’s 16', () => {
    const store = registryStore();
    expect(store.getState().params.gen.model).toBe(EMBEDDED_MODEL_ID);
    const h = heatmapFor(store.getState());
    expect(h.sitesFrom).toBe('catalog');
    expect(h.rows.map((r) => shortSiteName(r.site))).toEqual(['in L0 · 0.0', 'mid L1', 'out L0 · 1.0', 'out L0 · 1.1']);
  });

  it('the catalog’s layouts are the sites the shipped U-Nets really have', () => {
    const toy = MODEL_REGISTRY.find((e) => e.id === EMBEDDED_MODEL_ID)!;
    const found = findAttnSites(decodeModel(readFileSync('public/models/toy/unet/model.onnx')));
    expect(sdUnetSites(toy.unet)).toEqual(found.map((s) => ({ name: s.name, side: s.side, level: s.level, channels: s.channels })));
  });

  it('a custom URL is marked as assumed SD layout until loaded; a loaded model shows its own sites, another selected model does not', async () => {
    const store = registryStore();
    store.getState().selectModel('custom');
    expect(heatmapFor(store.getState())).toMatchObject({ sitesFrom: 'assumed' });
    expect(heatmapFor(store.getState()).rows).toHaveLength(16);
    store.getState().selectModel('tiny');
    const tiny = heatmapFor(store.getState());
    expect(tiny.sitesFrom).toBe('catalog');
    expect(tiny.rows.map(siteOf)).toEqual(sdUnetSites({ channels: [32, 32, 64, 64], layersPerBlock: 2 }));
    await store.getState().checkGpu();
    expect(await store.getState().loadModel()).toBe('done'); // the fake engine reports SD's 16 sites with 8 heads
    expect(heatmapFor(store.getState()).sitesFrom).toBe('model');
    store.getState().selectModel(EMBEDDED_MODEL_ID);
    await flush();
    const toy = heatmapFor(store.getState());
    expect(toy.sitesFrom).toBe('catalog');
    expect(toy.rows.map(siteOf)).toEqual(sdUnetSites({ channels: [32, 64], layersPerBlock: 1 }));
  });

  it('prefers the shown image’s timesteps (what the engine ran) over the default schedule', async () => {
    const ports = fakePorts();
    const store = createAppStore({ ...ports, timestepsFor: (_s, steps) => Array.from({ length: steps }, () => 321) });
    await store.getState().checkGpu();
    store.getState().setGen('model', 'tiny');
    store.getState().setGen('steps', 3);
    expect(heatmapFor(store.getState()).source).toBe('schedule');
    await store.getState().generate();
    const shown = store.getState().history.items.at(-1)!;
    const h = heatmapFor(store.getState(), 'first', shown);
    expect(h.source).toBe('result');
    expect(h.timesteps).toEqual(shown.timesteps);
  });
});
