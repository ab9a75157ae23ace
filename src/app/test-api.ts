// The typed in-page test API (window.__slothful) that Playwright specs read values from and
// drive the app through (the same store actions the buttons call).
import type { EngineMemory, StageTimings } from '../pipeline/engine.ts';
import { currentAppEngine } from './create-engine.ts';
import type { ParamSet } from '../params/gen-params.ts';
import { heatmapFor, type HeatmapPass } from '../state/heatmap.ts';
import { shownResult } from '../state/history-slice.ts';
import type { JobOutcome, ResultKind, RunResult } from '../state/run-slice.ts';
import type { AppStore, AppState } from '../state/store.ts';

/** A result without its pixels, plus their mean per channel (to tell an image from a blank one). */
export interface ResultMeta {
  id: number;
  kind: ResultKind;
  label: string;
  width: number;
  height: number;
  seed: number;
  timings: StageTimings;
  timesteps: number[];
  params: ParamSet;
  img2img: boolean;
  /** mean R, G, B, A over all pixels, 0..255 */
  meanRgba: [number, number, number, number];
}

export interface HeatmapSnapshot {
  timesteps: number[];
  source: string;
  /** where the rows come from: 'model' (loaded), 'catalog' (its layout, before loading) or 'assumed' (SD's) */
  sitesFrom: string;
  /** one entry per site: its name, side, level and each step's window label */
  rows: { name: string; side: string; level: number; labels: string[] }[];
}

export interface SlothfulTestApi {
  state: () => AppState;
  /** Resolves when the GPU probe has finished (ready, unavailable or error). */
  gpuSettled: () => Promise<AppState['gpu']>;
  /** The same actions as the Generate / Compare / Run sweep / Cancel buttons. */
  generate: () => Promise<JobOutcome>;
  compare: () => Promise<JobOutcome>;
  sweep: () => Promise<JobOutcome>;
  loadModel: () => Promise<JobOutcome>;
  cancel: () => void;
  /** Resolves once no job is running. */
  waitIdle: () => Promise<AppState['run']>;
  /** The image the viewer shows (the newest unless one was picked), or null. */
  lastResult: () => ResultMeta | null;
  /** the shown result's final latents (before the VAE), for comparison with a CPU reference */
  lastLatents: () => number[] | null;
  history: () => ResultMeta[];
  /** The stride heatmap as the panel computes it. */
  heatmap: (pass?: HeatmapPass) => HeatmapSnapshot;
  /** The current parameters as a v1 link query (what Share copies, without '?'). */
  shareQuery: () => string;
  /** GPU memory on the engine's device (our buffers and ORT's): live buffers and bytes. */
  gpuMemory: () => Promise<EngineMemory>;
  /** Test hook: the engine worker destroys its GPUDevice (as a driver reset would). */
  loseDevice: () => Promise<void>;
}

function engine() {
  const e = currentAppEngine();
  if (!e) throw new Error('The app engine has not been created (src/main.tsx creates it before the test API).');
  return e;
}

declare global {
  interface Window {
    __slothful?: SlothfulTestApi;
  }
}

export function resultMeta(r: RunResult): ResultMeta {
  const sum = [0, 0, 0, 0];
  const d = r.image.data;
  for (let i = 0; i < d.length; i++) sum[i & 3] += d[i];
  const n = Math.max(1, d.length / 4);
  return {
    id: r.id, kind: r.kind, label: r.label, width: r.image.width, height: r.image.height, seed: r.seed,
    timings: r.timings, timesteps: r.timesteps, params: r.params, img2img: r.img2img,
    meanRgba: [sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n],
  };
}

function waitFor<T>(store: AppStore, pick: (s: AppState) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const check = (s: AppState) => {
      const v = pick(s);
      if (v === undefined) return false;
      unsub();
      resolve(v);
      return true;
    };
    const unsub = store.subscribe((s) => void check(s));
    check(store.getState());
  });
}

export function installTestApi(store: AppStore): void {
  const s = () => store.getState();
  window.__slothful = {
    state: s,
    gpuSettled: () => waitFor(store, (st) => (st.gpu.kind !== 'idle' && st.gpu.kind !== 'checking' ? st.gpu : undefined)),
    generate: () => s().generate(),
    compare: () => s().runCompare(),
    sweep: () => s().runSweep(),
    loadModel: () => s().loadModel(),
    cancel: () => s().cancel(),
    waitIdle: () => waitFor(store, (st) => (st.run.job === null ? st.run : undefined)),
    lastResult: () => {
      const r = shownResult(s().history);
      return r ? resultMeta(r) : null;
    },
    history: () => s().history.items.map(resultMeta),
    lastLatents: () => {
      const r = shownResult(s().history);
      return r?.latents ? Array.from(r.latents) : null;
    },
    heatmap: (pass = 'first') => {
      const st = s();
      const map = heatmapFor(st, pass, shownResult(st.history));
      return {
        timesteps: map.timesteps, source: map.source, sitesFrom: map.sitesFrom,
        rows: map.rows.map((r) => ({ name: r.site.name, side: r.site.side, level: r.site.level, labels: r.cells.map((c) => c.label) })),
      };
    },
    shareQuery: () => s().toUrl(),
    gpuMemory: () => engine().memory(),
    loseDevice: () => engine().loseDevice(),
  };
}
