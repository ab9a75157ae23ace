// The typed in-page test API (window.__slothful) that Playwright specs read values from.
import type { AppStore, AppState } from '../state/store.ts';

export interface SlothfulTestApi {
  state: () => AppState;
  /** Resolves when the GPU probe has finished (ready, unavailable or error). */
  gpuSettled: () => Promise<AppState['gpu']>;
}

declare global {
  interface Window {
    __slothful?: SlothfulTestApi;
  }
}

export function installTestApi(store: AppStore): void {
  window.__slothful = {
    state: () => store.getState(),
    gpuSettled: () =>
      new Promise((resolve) => {
        const check = (s: AppState) => {
          if (s.gpu.kind !== 'idle' && s.gpu.kind !== 'checking') {
            unsub();
            resolve(s.gpu);
            return true;
          }
          return false;
        };
        const unsub = store.subscribe((s) => void check(s));
        check(store.getState());
      }),
  };
}
