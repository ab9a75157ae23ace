// The page URL as persist storage: a store combined like store.ts hydrates from the query it is
// opened with and rewrites the query (only) when parameters change. A fake location stands in for
// the browser's.
import { describe, expect, it } from 'vitest';
import { persist } from 'zustand/middleware';
import { createStore } from 'zustand/vanilla';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS } from '../params/gen-params.ts';
import { createParamsSlice, type ParamsSlice } from './params-slice.ts';
import { createUrlStorage, paramsUrlPersist, type QueryLocation } from './url-preset-storage.ts';

interface OtherSlice {
  other: number;
  bump: () => void;
  /** as the run slice's */
  customBase: string;
  setCustomBase: (base: string) => void;
}

function fakeLocation(query: string): QueryLocation & { writes: string[] } {
  const writes: string[] = [];
  let current = query;
  return { writes, read: () => current, write: (q) => { writes.push(q); current = `?${q}`; } };
}

function appLikeStore(loc: QueryLocation) {
  return createStore<ParamsSlice & OtherSlice>()(
    persist(
      (...a) => ({
        ...createParamsSlice()(...a),
        other: 0,
        bump: () => a[0]((s) => ({ other: s.other + 1 })),
        customBase: '',
        setCustomBase: (base: string) => a[0]({ customBase: base }),
      }),
      paramsUrlPersist(createUrlStorage(loc)),
    ),
  );
}

describe('urlStorage with zustand persist', () => {
  it('hydrates from the opening link, notices included, without rewriting it', () => {
    const loc = fakeLocation('?v=1&s=5&st=-5&sa.out.mode=1D_MAX&utm=x');
    const store = appLikeStore(loc);
    const { params } = store.getState();
    expect(params.gen).toEqual({ ...DEFAULT_GEN_PARAMS, seed: 5, steps: 1 });
    expect(params.sa.out.mode).toBe('1D_MAX');
    expect(params.notices.map((n) => n.path)).toEqual(['utm', 'steps']);
    expect(params.simple).toBe(true);
    expect(loc.writes).toEqual([]);
  });

  it('rewrites the query when parameters change, and only then', () => {
    const loc = fakeLocation('?v=1&s=5');
    const store = appLikeStore(loc);
    store.getState().setGen('prompt', 'a sloth & a <cat>');
    store.getState().setSa('in.strength', 9);
    expect(loc.writes).toEqual(['v=1&p=a+sloth+%26+a+%3Ccat%3E&s=5', 'v=1&p=a+sloth+%26+a+%3Ccat%3E&s=5&sa.in.strength=9']);
    store.getState().bump();
    store.getState().setSimple(false);
    expect(loc.writes).toHaveLength(2);
    expect(store.getState().other).toBe(1);
  });

  it('keeps the defaults for an empty query and writes the version on the first change', () => {
    const loc = fakeLocation('');
    const store = appLikeStore(loc);
    expect(store.getState().params.gen).toEqual(DEFAULT_GEN_PARAMS);
    expect(store.getState().params.sa).toEqual(DEFAULT_SA_PARAMS);
    store.getState().setGen('seed', 2);
    expect(loc.writes).toEqual(['v=1&s=2']);
  });

  it('a link the store wrote opens to the same parameters', () => {
    const loc = fakeLocation('');
    const first = appLikeStore(loc);
    first.getState().applyPreset('second-pass');
    first.getState().setGen('hires.enabled', true);
    first.getState().setGen('negativePrompt', 'blur, noise');
    const second = appLikeStore(fakeLocation(loc.read()));
    expect(second.getState().params.gen).toEqual(first.getState().params.gen);
    expect(second.getState().params.sa).toEqual(first.getState().params.sa);
    expect(second.getState().params.notices).toEqual([]);
  });

  it('the custom model URL goes into the link and comes back when it is opened (bug: m=custom only)', () => {
    const base = 'https://huggingface.co/me/sd-onnx/resolve/main';
    const loc = fakeLocation('');
    const first = appLikeStore(loc);
    first.getState().setGen('model', 'custom');
    first.getState().setCustomBase(base);
    expect(loc.read()).toBe(`?v=1&m=custom&mu=${encodeURIComponent(base)}`);
    const second = appLikeStore(fakeLocation(loc.read()));
    expect(second.getState().customBase).toBe(base);
    expect(second.getState().params.gen.model).toBe('custom');
    expect(second.getState().params.notices).toEqual([]);
  });

  it('a link with a custom model URL the app refuses opens with a notice and no custom base', () => {
    const store = appLikeStore(fakeLocation(`?v=1&m=custom&mu=${encodeURIComponent('ftp://example.com/sd')}`));
    expect(store.getState().customBase).toBe('');
    expect(store.getState().params.notices.map((n) => n.path)).toEqual(['mu']);
  });

  it('storage ignores values it cannot read and removeItem clears the query', () => {
    const loc = fakeLocation('?v=1&s=3');
    const storage = createUrlStorage(loc);
    storage.setItem('params', 'not json');
    storage.setItem('params', '{"version":0}');
    expect(loc.writes).toEqual([]);
    storage.removeItem('params');
    expect(loc.writes).toEqual(['']);
    expect(storage.getItem('params')).toBeNull();
  });
});
