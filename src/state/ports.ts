// What the store needs from the outside world (GPU, engine). Injected at startup by src/main.tsx,
// replaced by fakes in unit tests, so state/ and ui/ never import gpu/ or pipeline/.
import type { GpuStatus } from './gpu-slice.ts';

export interface AppPorts {
  /** Acquire the adapter and run the ORT↔kernel self-check; never throws. */
  probeGpu: () => Promise<GpuStatus>;
}
