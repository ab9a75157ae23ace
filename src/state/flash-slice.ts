// The `flash` slice: one short confirmation of something just done ("Link copied.", "Saved as PNG
// …"), shown beside the control that did it. It goes away by itself after FLASH_MS, and when the
// next generation, comparison or sweep starts, so it never sits under a later image. Errors
// (`sticky`) stay until then.
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';

export const FLASH_MS = 4000;

/** Where the confirmation is shown: beside Share, or under the image. */
export type FlashPlace = 'share' | 'image';

export interface Flash {
  place: FlashPlace;
  text: string;
  /** an error: kept until the next job starts (no timeout) */
  sticky?: boolean;
}

export interface FlashSlice {
  flash: Flash | null;
  showFlash: (flash: Flash) => void;
  clearFlash: () => void;
}

export const createFlashSlice: StateCreator<AppState, [], [], FlashSlice> = (set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = () => {
    clearTimeout(timer);
    timer = undefined;
    if (get().flash) set({ flash: null });
  };
  return {
    flash: null,
    showFlash: (flash) => {
      clearTimeout(timer);
      set({ flash });
      timer = flash.sticky ? undefined : setTimeout(clear, FLASH_MS);
    },
    clearFlash: clear,
  };
};
