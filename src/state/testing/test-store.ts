// A store on fake ports with the GPU probed, the `tiny` test model and a small image size: the starting point of the
// run/compare/sweep slice tests.
import { createAppStore, type AppStore } from '../store.ts';
import { fakePorts } from './fake-ports.ts';

/** Lets pending promise callbacks run (the fake engine settles through microtasks). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export async function readyStore(opts: Parameters<typeof fakePorts>[0] = {}, gen: { steps?: number; seed?: number } = {}) {
  const ports = fakePorts(opts);
  const store: AppStore = createAppStore(ports);
  await store.getState().checkGpu();
  store.getState().setGen('model', 'tiny');
  store.getState().setGen('width', 64);
  store.getState().setGen('height', 64);
  store.getState().setGen('steps', gen.steps ?? 2);
  if (gen.seed !== undefined) store.getState().setGen('seed', gen.seed);
  return { store, engine: ports.engine };
}
