// The params slice: each action as a pure transform and through a fresh vanilla store per test.
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_SA_PARAMS, setSaParam } from '../sa/index.ts';
import { DEFAULT_GEN_PARAMS } from '../params/gen-params.ts';
import { encodePng } from '../image/png.ts';
import { writePngParams } from '../params/png-metadata.ts';
import { INITIAL_PARAMS, MAX_NOTICES, createParamsSlice, paramsTransforms as T, type ParamsSlice } from './params-slice.ts';
import { findSaPreset } from '../params/sa-presets.ts';

let store: StoreApi<ParamsSlice>;
const state = () => store.getState().params;

beforeEach(() => {
  store = createStore<ParamsSlice>()(createParamsSlice());
});

describe('pure transforms', () => {
  it('never modify the state they are given', () => {
    const before = structuredClone(INITIAL_PARAMS);
    T.setGen(INITIAL_PARAMS, 'steps', 500);
    T.setSa(INITIAL_PARAMS, 'in.mode', '1D_MAX', 'hires');
    T.loadFromUrl(INITIAL_PARAMS, 'v=1&st=3&zzz=1');
    T.applyPreset(INITIAL_PARAMS, 'high-contrast');
    expect(INITIAL_PARAMS).toEqual(before);
    expect(T.clearNotices(INITIAL_PARAMS)).toBe(INITIAL_PARAMS);
  });

  it('setGen clamps with a notice that accumulates; clearNotices empties', () => {
    const s1 = T.setGen(INITIAL_PARAMS, 'steps', 500);
    const s2 = T.setGen(s1, 'width', 100);
    expect([s2.gen.steps, s2.gen.width]).toEqual([150, 104]);
    expect(s2.notices.map((n) => n.path)).toEqual(['steps', 'width']);
    expect(T.setGen(s2, 'seed', 5).notices).toBe(s2.notices);
    expect(T.clearNotices(s2).notices).toEqual([]);
  });
});

describe('params slice (fresh store per test)', () => {
  it('starts from the defaults in the simple view', () => {
    expect(state()).toEqual({ gen: DEFAULT_GEN_PARAMS, sa: DEFAULT_SA_PARAMS, simple: true, notices: [] });
    expect(store.getState().toUrl()).toBe('v=1');
  });

  it('setGen sets nested and top-level values', () => {
    store.getState().setGen('prompt', 'a sloth');
    store.getState().setGen('hires.enabled', true);
    expect(state().gen).toEqual({ ...DEFAULT_GEN_PARAMS, prompt: 'a sloth', hires: { ...DEFAULT_GEN_PARAMS.hires, enabled: true } });
    expect(state().notices).toEqual([]);
  });

  it('setSa edits the first or the hires pass and reports clamping under its pass', () => {
    store.getState().setSa('in.strength', 99);
    store.getState().setSa('out.v_blend', 0.5, 'hires');
    expect(state().sa).toEqual(setSaParam(DEFAULT_SA_PARAMS, 'in.strength', 50));
    expect(state().gen.hires.sa).toEqual(setSaParam(DEFAULT_GEN_PARAMS.hires.sa, 'out.v_blend', 0.5));
    expect(state().notices.map((n) => [n.path, n.message])).toEqual([['sa.in.strength', 'sa.in.strength: 99 is above the maximum 50; using 50']]);
  });

  it('setSaSimple links k/v blends and depth decays; setSimple only flips the view', () => {
    store.getState().setSa('in.k_blend', 0.2);
    store.getState().setSimple(false);
    expect(state().simple).toBe(false);
    expect(state().sa.in.k_blend).toBe(0.2);
    store.getState().setSaSimple({ depth_decay: 1, out: { blend: 0.4 } });
    expect(state().sa.in).toEqual({ ...DEFAULT_SA_PARAMS.in, depth_decay: 1, k_blend: 0.2 });
    expect(state().sa.out).toEqual({ ...DEFAULT_SA_PARAMS.out, depth_decay: 1, k_blend: 0.4, v_blend: 0.4 });
  });

  it('applyPreset and resetSa, per pass; an unknown preset changes nothing and says so', () => {
    store.getState().applyPreset('high-contrast');
    store.getState().applyPreset('detail-preserving', 'hires');
    expect(state().sa).toEqual(findSaPreset('high-contrast')!.params);
    expect(state().gen.hires.sa).toEqual(findSaPreset('detail-preserving')!.params);
    store.getState().applyPreset('turbo-max');
    expect(state().sa).toEqual(findSaPreset('high-contrast')!.params);
    expect(state().notices[0]).toMatchObject({ path: 'preset', given: 'turbo-max' });
    store.getState().resetSa();
    store.getState().resetSa('hires');
    expect(state().sa).toEqual(DEFAULT_SA_PARAMS);
    expect(state().gen.hires.sa).toEqual(DEFAULT_GEN_PARAMS.hires.sa);
  });

  it('loadFromUrl replaces parameters and notices, returns the notices, and toUrl writes it back', () => {
    store.getState().setGen('steps', 999);
    const notices = store.getState().loadFromUrl('?v=1&p=hello&st=-5&sa.in.mode=2D_MAX&junk=1');
    expect(notices.map((n) => n.path)).toEqual(['junk', 'steps']);
    expect(state().notices).toEqual(notices);
    expect(state().gen).toEqual({ ...DEFAULT_GEN_PARAMS, prompt: 'hello', steps: 1 });
    expect(state().sa.in.mode).toBe('2D_MAX');
    expect(store.getState().toUrl()).toBe('v=1&p=hello&st=1&sa.in.mode=2D_MAX');
  });

  it('keeps at most MAX_NOTICES notices, summing up the rest', () => {
    const query = Array.from({ length: 120 }, (_, i) => `k${i}=1`).join('&');
    const notices = store.getState().loadFromUrl(`v=1&${query}`);
    expect(notices).toHaveLength(MAX_NOTICES);
    expect(notices.at(-1)!.message).toBe(`…and ${120 - MAX_NOTICES + 1} more problems`);
  });

  it('loadFromPng restores what writePngParams stored; a PNG without parameters changes nothing', async () => {
    const png = await encodePng(new Uint8Array(4), 1, 1);
    const set = { gen: { ...DEFAULT_GEN_PARAMS, seed: 77, prompt: '<b>bold</b>' }, sa: setSaParam(DEFAULT_SA_PARAMS, 'enabled', false) };
    expect(store.getState().loadFromPng(writePngParams(png, set))).toEqual([]);
    expect([state().gen, state().sa]).toEqual([set.gen, set.sa]);
    const notices = store.getState().loadFromPng(png);
    expect(notices[0].message).toMatch(/no generation parameters/);
    expect(state().gen.seed).toBe(77);
  });

  it('a dropped PNG that restored settings says so, naming the file (info, before any problem)', async () => {
    const png = await encodePng(new Uint8Array(4), 1, 1);
    const set = { gen: { ...DEFAULT_GEN_PARAMS, seed: 5, steps: 999 }, sa: DEFAULT_SA_PARAMS };
    const notices = store.getState().loadFromPng(writePngParams(png, set), 'sloth-5.png');
    expect(notices.map((n) => [n.message, n.level])).toEqual([
      ['Settings restored from sloth-5.png.', 'info'],
      ['steps: 999 is above the maximum 150; using 150', undefined],
    ]);
    expect(state().notices).toEqual(notices);
    expect(store.getState().loadFromPng(png, 'plain.png')[0].message).toMatch(/^plain\.png holds no generation parameters/);
  });

  it('loadParams normalizes what it is given; resetParams keeps only the view toggle', () => {
    const notices = store.getState().loadParams({ gen: { ...DEFAULT_GEN_PARAMS, guidance: 99 }, sa: DEFAULT_SA_PARAMS });
    expect(state().gen.guidance).toBe(30);
    expect(notices.map((n) => n.path)).toEqual(['guidance']);
    store.getState().setSimple(false);
    store.getState().resetParams();
    expect(state()).toEqual({ ...INITIAL_PARAMS, simple: false });
  });

  it('stores are independent (reset between tests)', () => {
    const other = createStore<ParamsSlice>()(createParamsSlice({ simple: false }));
    other.getState().setGen('seed', 9);
    expect(state().gen.seed).toBe(DEFAULT_GEN_PARAMS.seed);
    expect(other.getState().params.simple).toBe(false);
  });
});
