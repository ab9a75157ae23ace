// The `vocabularies` slice: the word lists of models that know a small vocabulary (registry
// `vocabularyFile`, the embedded toy model), fetched once per file for the prompt helper. The UI
// asks for one with `loadVocabulary` and reads it here; the fetch lives in this module.
import type { StateCreator } from 'zustand';
import { parseToyVocabulary, type ToyVocabulary } from '../models/toy/vocabulary.ts';
import type { ModelEntry } from '../pipeline/registry.ts';
import type { AppState } from './store.ts';

export type VocabularyLoad = { kind: 'loading' } | { kind: 'ready'; vocabulary: ToyVocabulary } | { kind: 'error' };

/** Reads a URL's JSON; rejects on an HTTP error. */
export type FetchJson = (url: string) => Promise<unknown>;

export interface VocabularySlice {
  /** by vocabulary file URL; absent: never asked for */
  vocabularies: Readonly<Record<string, VocabularyLoad>>;
  /** Fetches a vocabulary file unless it is loaded or loading (again after an error). */
  loadVocabulary: (url: string) => Promise<void>;
}

/** Where a registry entry's vocabulary file is (null: the model has none). */
export function vocabularyUrl(entry: Pick<ModelEntry, 'base' | 'vocabularyFile'> | undefined): string | null {
  return entry?.vocabularyFile ? `${entry.base.replace(/\/$/, '')}/${entry.vocabularyFile}` : null;
}

const fetchJson: FetchJson = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
};

export const createVocabularySlice =
  (read: FetchJson = fetchJson): StateCreator<AppState, [], [], VocabularySlice> =>
  (set, get) => {
    const put = (url: string, load: VocabularyLoad) => set((s) => ({ vocabularies: { ...s.vocabularies, [url]: load } }));
    return {
      vocabularies: {},
      loadVocabulary: async (url) => {
        const now = get().vocabularies[url];
        if (now && now.kind !== 'error') return;
        put(url, { kind: 'loading' });
        try {
          const vocabulary = parseToyVocabulary(await read(url));
          put(url, vocabulary ? { kind: 'ready', vocabulary } : { kind: 'error' });
        } catch {
          put(url, { kind: 'error' });
        }
      },
    };
  };
