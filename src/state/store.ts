// The app store: zustand slices combined; created once with the app's ports.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createGpuSlice, type GpuSlice } from './gpu-slice.ts';
import type { AppPorts } from './ports.ts';

export type AppState = GpuSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(ports: AppPorts): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createGpuSlice(ports)(...a),
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
