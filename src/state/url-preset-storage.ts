// The page URL as zustand `persist` storage (the zustand docs' custom StateStorage on
// URLSearchParams): the `params` slice hydrates from the link the page was opened with and keeps
// the address bar's query in sync (history.replaceState, no new history entries). The query uses
// the compact v1 format of src/params/url-preset.ts, not persist's JSON, so links stay short and readable.
import { createJSONStorage, type PersistOptions, type StateStorage } from 'zustand/middleware';
import { normalizeSaParams, type Notice } from '../sa/index.ts';
import { normalizeGenParams, prefixNotices, type ParamSet } from '../params/gen-params.ts';
import { capNotices, type ParamsSlice } from './params-slice.ts';
import { decodeUrlPreset, encodeUrlPreset, queryPart } from '../params/url-preset.ts';

/** Where the query lives: the browser's location, or a fake in tests. */
export interface QueryLocation {
  /** the current query, with or without '?' */
  read(): string;
  /** replace the query (without '?'); no new history entry */
  write(query: string): void;
}

export const browserQueryLocation: QueryLocation = {
  read: () => globalThis.location?.search ?? '',
  write: (query) => {
    if (!globalThis.location || !globalThis.history) return;
    const url = new URL(globalThis.location.href);
    url.search = query;
    globalThis.history.replaceState(globalThis.history.state, '', url);
  },
};

/** What the storage holds for persist: the parameters, the custom model's URL, and the notices of decoding the link. */
export interface UrlPersisted extends ParamSet {
  notices?: Notice[];
  /** the custom model's base URL (the link's `mu`; only with model 'custom') */
  customBase?: string;
}

/** What the URL persists beside the params slice: the custom model's base URL (run slice). */
export interface UrlLinkedState {
  customBase: string;
}

const pageOrigin = (): string | undefined => globalThis.location?.origin;

/**
 * A StateStorage whose one item is the page query (the item name is ignored). getItem gives
 * persist's JSON envelope `{"state": {gen, sa, notices}}` decoded from the query, or null when the
 * query is empty; setItem encodes `state.gen` / `state.sa` and rewrites the query if it changed.
 */
export function createUrlStorage(loc: QueryLocation = browserQueryLocation): StateStorage {
  return {
    getItem: () => {
      const query = queryPart(loc.read());
      if ([...new URLSearchParams(query).keys()].length === 0) return null;
      const { params, notices, customBase } = decodeUrlPreset(query, { pageOrigin: pageOrigin() });
      const state: UrlPersisted = { ...params, notices, ...(customBase === undefined ? {} : { customBase }) };
      return JSON.stringify({ state });
    },
    setItem: (_name, value) => {
      const state = parseState(value);
      if (!state) return;
      const next = encodeUrlPreset(state, { customBase: state.customBase });
      if (next !== queryPart(loc.read())) loc.write(next);
    },
    removeItem: () => loc.write(''),
  };
}

function parseState(value: string): (ParamSet & { customBase?: string }) | undefined {
  try {
    const state = (JSON.parse(value) as { state?: Partial<UrlPersisted> }).state;
    if (!state) return undefined;
    const customBase = typeof state.customBase === 'string' ? state.customBase : undefined;
    return { gen: normalizeGenParams(state.gen).params, sa: normalizeSaParams(state.sa).params, customBase };
  } catch {
    return undefined;
  }
}

/** The page URL storage (lazy: nothing touches `location` until persist reads or writes). */
export const urlStorage: StateStorage = createUrlStorage();

/**
 * persist options that keep the `params` slice in the URL: gen + sa and the custom model's URL are
 * written; on load the link's parameters and notices replace the slice's (its `simple` toggle is
 * kept), and a custom model URL in the link becomes the custom base.
 */
export function paramsUrlPersist<S extends ParamsSlice & UrlLinkedState>(storage: StateStorage = urlStorage): PersistOptions<S, UrlPersisted> {
  return {
    name: 'params',
    storage: createJSONStorage<UrlPersisted>(() => storage),
    partialize: (s) => ({ gen: s.params.gen, sa: s.params.sa, customBase: s.customBase }),
    merge: (persisted, current) => {
      const p = (persisted ?? {}) as Partial<UrlPersisted>;
      const gen = normalizeGenParams(p.gen);
      const sa = normalizeSaParams(p.sa);
      const notices = capNotices([...(Array.isArray(p.notices) ? p.notices : []), ...gen.notices, ...prefixNotices(sa.notices, 'sa')]);
      const base = typeof p.customBase === 'string' ? { customBase: p.customBase } : {};
      return { ...current, ...base, params: { ...current.params, gen: gen.params, sa: sa.params, notices } };
    },
  };
}
