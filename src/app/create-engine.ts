// The app's engine: the real SD engine in a Web Worker behind WorkerEngine. Model base URLs that
// are relative (the embedded model) are resolved against the page before they cross to the worker.
// The last engine created is kept for the in-page test API (GPU memory, device-loss hook).
import type { Engine, EngineMemory, ModelSource } from '../pipeline/engine.ts';
import { WorkerEngine, type Port } from '../pipeline/worker-protocol.ts';
import { createScheduler } from '../pipeline/schedulers/index.ts';
import type { SchedulerName } from '../params/request.ts';

/** The worker engine with its diagnostics (always present here). */
export interface AppEngine extends Engine {
  memory(): Promise<EngineMemory>;
  loseDevice(): Promise<void>;
}

let appEngine: AppEngine | undefined;

/** The engine createWorkerEngine made last (undefined before it ran). */
export function currentAppEngine(): AppEngine | undefined {
  return appEngine;
}

export function createWorkerEngine(): AppEngine {
  const worker = new Worker(new URL('../pipeline/engine.worker.ts', import.meta.url), { type: 'module', name: 'slothful-engine' });
  const inner = new WorkerEngine(worker as unknown as Port);
  const resolve = (s: ModelSource): ModelSource => ({
    ...s,
    base: new URL(s.base, document.baseURI).href.replace(/\/$/, ''),
    tokenizerBase: s.tokenizerBase && new URL(s.tokenizerBase, document.baseURI).href.replace(/\/$/, ''),
  });
  appEngine = {
    load: (source, opts) => inner.load(resolve(source), opts),
    generate: (req, opts) => inner.generate(req, opts),
    interrupt: () => inner.interrupt(),
    unload: () => inner.unload(),
    probe: () => inner.probe(),
    onDeviceError: (l) => inner.onDeviceError(l),
    memory: () => inner.memory(),
    loseDevice: () => inner.loseDevice(),
  };
  return appEngine;
}

/** The model timesteps a schedule runs (for the heatmap before any image exists). */
export function timestepsFor(scheduler: SchedulerName, steps: number, strength: number): number[] {
  const s = createScheduler(scheduler, { steps, strength });
  return s.timesteps.slice(s.beginIndex);
}
