// The app store: zustand slices combined; created once with the app's ports. The params slice
// is persisted to the page URL (compact v1 presets, see src/params/url-preset.ts); run, compare, sweep and
// history (and the prompt helper's word lists, the last confirmation) live only as long as the page.
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { persist } from 'zustand/middleware';
import { useStore } from 'zustand';
import { createCompareSlice, type CompareSlice } from './compare-slice.ts';
import { createFlashSlice, type FlashSlice } from './flash-slice.ts';
import { createGpuSlice, type GpuSlice } from './gpu-slice.ts';
import { createHistorySlice, type HistorySlice } from './history-slice.ts';
import { createParamsSlice, type ParamsSlice } from './params-slice.ts';
import { createRunSlice, type RunSlice } from './run-slice.ts';
import { createSweepSlice, type SweepSlice } from './sweep-slice.ts';
import { createVocabularySlice, type VocabularySlice } from './vocabulary-slice.ts';
import { paramsUrlPersist } from './url-preset-storage.ts';
import type { AppPorts } from './ports.ts';

export type AppState = GpuSlice & ParamsSlice & RunSlice & HistorySlice & CompareSlice & SweepSlice & VocabularySlice & FlashSlice;
export type AppStore = StoreApi<AppState>;

function allSlices(ports: AppPorts): StateCreator<AppState, [], [], AppState> {
  return (...a) => ({
    ...createGpuSlice(ports)(...a),
    ...createParamsSlice()(...a),
    ...createRunSlice(ports)(...a),
    ...createHistorySlice(...a),
    ...createCompareSlice(...a),
    ...createSweepSlice(...a),
    ...createVocabularySlice()(...a),
    ...createFlashSlice(...a),
  });
}

/** The store; `persistToUrl` false keeps the URL out of it (unit tests). */
export function createAppStore(ports: AppPorts, opts: { persistToUrl?: boolean } = {}): AppStore {
  const slices = allSlices(ports);
  if (opts.persistToUrl) return createStore<AppState>()(persist((set, get, api) => slices(set, get, api as StoreApi<AppState>), paramsUrlPersist<AppState>()));
  return createStore<AppState>()(slices);
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
