// The app store: zustand slices combined; created once with the app's ports. The params slice
// is persisted to the page URL (compact v1 presets, see url-preset.ts).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { persist } from 'zustand/middleware';
import { useStore } from 'zustand';
import { createGpuSlice, type GpuSlice } from './gpu-slice.ts';
import { createParamsSlice, type ParamsSlice } from './params-slice.ts';
import { paramsUrlPersist } from './url-preset-storage.ts';
import type { AppPorts } from './ports.ts';

export type AppState = GpuSlice & ParamsSlice;
export type AppStore = StoreApi<AppState>;

/** The store; `persistToUrl` false keeps the URL out of it (unit tests). */
export function createAppStore(ports: AppPorts, opts: { persistToUrl?: boolean } = {}): AppStore {
  if (opts.persistToUrl) {
    return createStore<AppState>()(persist((...a) => ({ ...createGpuSlice(ports)(...a), ...createParamsSlice()(...a) }), paramsUrlPersist<AppState>()));
  }
  return createStore<AppState>()((...a) => ({
    ...createGpuSlice(ports)(...a),
    ...createParamsSlice()(...a),
  }));
}

let current: AppStore | undefined;

export function installStore(store: AppStore): AppStore {
  current = store;
  return store;
}

export function appStore(): AppStore {
  if (!current) throw new Error('The app store is not installed (call installStore first).');
  return current;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore(), selector);
}
