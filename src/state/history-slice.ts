// The `history` slice: every image made since the page opened (newest last, at most
// HISTORY_LIMIT), and which one the viewer shows. Independent of the params slice, so moving a
// slider never loses an image.
import type { StateCreator } from 'zustand';
import type { RunResult } from './run-slice.ts';
import type { AppState } from './store.ts';

export const HISTORY_LIMIT = 50;

export interface HistoryState {
  /** oldest first */
  items: RunResult[];
  /** the image in the viewer; null: the newest */
  selectedId: number | null;
}

export interface HistorySlice {
  history: HistoryState;
  /** Adds a new image and shows it; the oldest beyond HISTORY_LIMIT are dropped. */
  addResult: (r: RunResult) => void;
  selectResult: (id: number | null) => void;
  clearHistory: () => void;
}

export const historyTransforms = {
  add(h: HistoryState, r: RunResult): HistoryState {
    const items = [...h.items, r];
    return { items: items.length > HISTORY_LIMIT ? items.slice(items.length - HISTORY_LIMIT) : items, selectedId: r.id };
  },
  select(h: HistoryState, id: number | null): HistoryState {
    return { ...h, selectedId: id !== null && h.items.some((r) => r.id === id) ? id : null };
  },
};

/** The image the viewer shows: the selected one, else the newest (undefined: none yet). */
export function shownResult(h: HistoryState): RunResult | undefined {
  return (h.selectedId !== null ? h.items.find((r) => r.id === h.selectedId) : undefined) ?? h.items.at(-1);
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set) => ({
  history: { items: [], selectedId: null },
  addResult: (r) => set((s) => ({ history: historyTransforms.add(s.history, r) })),
  selectResult: (id) => set((s) => ({ history: historyTransforms.select(s.history, id) })),
  clearHistory: () => set({ history: { items: [], selectedId: null } }),
});
