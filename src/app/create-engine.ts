// The app's engine: the real SD engine in a Web Worker behind WorkerEngine. Model base URLs that
// are relative (the embedded model) are resolved against the page before they cross to the worker.
import type { Engine, ModelSource } from '../pipeline/engine.ts';
import { WorkerEngine, type Port } from '../pipeline/worker-protocol.ts';
import { createScheduler, type SchedulerName } from '../pipeline/schedulers/index.ts';

export function createWorkerEngine(): Engine {
  const worker = new Worker(new URL('../pipeline/engine.worker.ts', import.meta.url), { type: 'module', name: 'slothful-engine' });
  const inner = new WorkerEngine(worker as unknown as Port);
  const resolve = (s: ModelSource): ModelSource => ({
    ...s,
    base: new URL(s.base, document.baseURI).href.replace(/\/$/, ''),
    tokenizerBase: s.tokenizerBase && new URL(s.tokenizerBase, document.baseURI).href.replace(/\/$/, ''),
  });
  return {
    load: (source, opts) => inner.load(resolve(source), opts),
    generate: (req, opts) => inner.generate(req, opts),
    interrupt: () => inner.interrupt(),
    unload: () => inner.unload(),
  };
}

/** The model timesteps a schedule runs (for the heatmap before any image exists). */
export function timestepsFor(scheduler: SchedulerName, steps: number, strength: number): number[] {
  const s = createScheduler(scheduler, { steps, strength });
  return s.timesteps.slice(s.beginIndex);
}
