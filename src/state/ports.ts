// What the store needs from the outside world (engine, model catalog, stored models). Injected at startup by
// src/main.tsx, replaced by fakes in unit tests, so state/ and ui/ never import gpu/ or pipeline/
// runtime code (types only).
import type { Engine } from '../pipeline/engine.ts';
import type { SchedulerName } from '../params/request.ts';
import type { StoredModel } from '../pipeline/stored-models.ts';
import type { AdapterCaps, ModelEntry } from '../pipeline/registry.ts';

/** The models the picker offers and the checks that say why one cannot run here. */
export interface ModelCatalog {
  /** registry entries in menu order (the embedded one first) */
  entries: readonly ModelEntry[];
  /** why a model cannot run on this adapter (undefined: it can) */
  refusalReason: (entry: ModelEntry, caps: AdapterCaps) => string | undefined;
  /** why a size cannot be used with this model (undefined: it can) */
  sizeRefusal: (entry: ModelEntry, width: number, height: number) => string | undefined;
}

export interface AppPorts {
  /**
   * The SD engine (a Web Worker proxy in the app, a fake in tests); one generation at a time. Its
   * probe() is the GPU panel's check, on the engine's own device.
   */
  engine: Engine;
  models: ModelCatalog;
  /**
   * The model timesteps the scheduler will run (first pass, img2img `strength` < 1 starts
   * mid-schedule), for the stride heatmap. Optional: without it the heatmap uses a pure preview.
   */
  timestepsFor?: (scheduler: SchedulerName, steps: number, strength: number) => number[];
  /** The models kept in the browser's storage (optional: none in tests without it). */
  storedModels?: { list(): Promise<StoredModel[]>; remove(base: string): Promise<number> };
}

