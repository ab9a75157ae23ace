// The embedded model the app starts on, and its defaults: what the form's first values and the toy
// model's check start from. The registry's entry for it (src/pipeline/registry.ts) uses these.
import type { SchedulerName } from './request.ts';

/** A model's own defaults (size, steps, guidance, sampler). */
export interface ModelDefaults {
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  width: number;
  height: number;
}

export const EMBEDDED_MODEL_ID = 'toy';

export const EMBEDDED_DEFAULTS: Readonly<ModelDefaults> = Object.freeze({ scheduler: 'dpmpp-2m-karras', steps: 10, guidance: 3, width: 128, height: 128 });
