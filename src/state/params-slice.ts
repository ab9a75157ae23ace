// The `params` slice: generation parameters, the first pass's SA parameters, the simple/full SA
// view toggle, and the notices of the last load (link, PNG) or clamped edit. Every action is a
// named pure transform on ParamsState (`paramsTransforms`), so each can be tested without a store.
import type { StateCreator } from 'zustand';
import {
  DEFAULT_SA_PARAMS,
  fromSimple,
  normalizeSaParams,
  setSaParam,
  type Notice,
  type SaParamPath,
  type SaParamValue,
  type SaParams,
  type SaSimplePatch,
} from '../sa/index.ts';
import {
  DEFAULT_GEN_PARAMS,
  normalizeGenParams,
  prefixNotices,
  setGenParam,
  type GenParamPath,
  type GenParamValue,
  type GenParams,
  type ParamSet,
} from '../params/gen-params.ts';
import { readPngParams } from '../params/png-metadata.ts';
import { findSaPreset } from '../params/sa-presets.ts';
import { decodeUrlPreset, encodeUrlPreset } from '../params/url-preset.ts';

/** Which SA settings an action edits: the first pass's, or the hires second pass's. */
export type SaPass = 'first' | 'hires';

export interface ParamsState {
  gen: GenParams;
  /** the first pass's SA */
  sa: SaParams;
  /** show the simple SA view (linked blends and depth decay) */
  simple: boolean;
  /** what the last load or edit did not use as given, for the UI to show (as plain text) */
  notices: Notice[];
}

export const INITIAL_PARAMS: ParamsState = Object.freeze({
  gen: DEFAULT_GEN_PARAMS,
  sa: DEFAULT_SA_PARAMS,
  simple: true,
  notices: [],
});

/** The notice path of a restored img2img PNG whose init image is missing (the run slice then clears the init image). */
export const INIT_MISSING = 'initImage';

/** At most this many notices are kept; the rest are summed up in one. */
export const MAX_NOTICES = 50;

export function capNotices(notices: Notice[]): Notice[] {
  if (notices.length <= MAX_NOTICES) return notices;
  const rest = notices.length - (MAX_NOTICES - 1);
  return [...notices.slice(0, MAX_NOTICES - 1), { path: '', message: `…and ${rest} more problems` }];
}

const saOf = (s: ParamsState, pass: SaPass): SaParams => (pass === 'first' ? s.sa : s.gen.hires.sa);

function withSa(s: ParamsState, pass: SaPass, sa: SaParams, notices: Notice[] = []): ParamsState {
  const next = pass === 'first' ? { ...s, sa } : { ...s, gen: { ...s.gen, hires: { ...s.gen.hires, sa } } };
  const prefix = pass === 'first' ? 'sa' : 'hires.sa';
  return notices.length ? { ...next, notices: capNotices([...s.notices, ...prefixNotices(notices, prefix)]) } : next;
}

/** Replaces everything but `simple` with a normalized parameter set and these notices. */
function loadSet(s: ParamsState, set: ParamSet, notices: Notice[]): ParamsState {
  const gen = normalizeGenParams(set.gen);
  const sa = normalizeSaParams(set.sa);
  return { ...s, gen: gen.params, sa: sa.params, notices: capNotices([...notices, ...gen.notices, ...prefixNotices(sa.notices, 'sa')]) };
}

export const paramsTransforms = {
  /** One generation parameter; out-of-range values are clamped/rounded with a notice. */
  setGen<P extends GenParamPath>(s: ParamsState, path: P, value: GenParamValue<P>): ParamsState {
    const { params, notices } = normalizeGenParams(setGenParam(s.gen, path, value));
    return { ...s, gen: params, notices: notices.length ? capNotices([...s.notices, ...notices]) : s.notices };
  },
  /** One SA parameter of the first or the hires pass; clamped with a notice. */
  setSa<P extends SaParamPath>(s: ParamsState, path: P, value: SaParamValue<P>, pass: SaPass = 'first'): ParamsState {
    const { params, notices } = normalizeSaParams(setSaParam(saOf(s, pass), path, value));
    return withSa(s, pass, params, notices);
  },
  /** An edit in the simple view: a blend sets k_blend and v_blend, depth_decay sets both sides. */
  setSaSimple(s: ParamsState, patch: SaSimplePatch, pass: SaPass = 'first'): ParamsState {
    return withSa(s, pass, fromSimple(patch, saOf(s, pass)));
  },
  /** Back to the defaults of that pass (the hires pass defaults to the second-pass preset). */
  resetSa(s: ParamsState, pass: SaPass = 'first'): ParamsState {
    return withSa(s, pass, normalizeSaParams(pass === 'first' ? DEFAULT_SA_PARAMS : DEFAULT_GEN_PARAMS.hires.sa).params);
  },
  /** A named preset (src/params/sa-presets.ts); an unknown name changes nothing and adds a notice. */
  applyPreset(s: ParamsState, id: string, pass: SaPass = 'first'): ParamsState {
    const preset = findSaPreset(id);
    if (!preset) return { ...s, notices: capNotices([...s.notices, { path: 'preset', message: `There is no SA preset called ${JSON.stringify(id)}; nothing changed`, given: id }]) };
    return withSa(s, pass, normalizeSaParams(preset.params).params);
  },
  /** Only the view changes; values are linked when the simple view is next edited. */
  setSimple(s: ParamsState, simple: boolean): ParamsState {
    return { ...s, simple };
  },
  /** A shared link or query string; its notices replace the current ones. */
  loadFromUrl(s: ParamsState, query: string): ParamsState {
    const { params, notices } = decodeUrlPreset(query);
    return loadSet(s, params, notices);
  },
  /** A dropped PNG; without parameters nothing changes and one notice says so. With the file's
   * name, an info notice confirms the restore ("Settings restored from x.png."). */
  loadFromPng(s: ParamsState, bytes: Uint8Array, fileName?: string): ParamsState {
    const read = readPngParams(bytes);
    if (!read) return { ...s, notices: [{ path: '', message: `${fileName ?? 'This file'} holds no generation parameters (not a PNG written by Slothful or A1111-style tools).` }] };
    const done: Notice[] = fileName === undefined ? [] : [{ path: 'file', message: `Settings restored from ${fileName}.`, level: 'info' }];
    if (read.img2img) done.push({ path: INIT_MISSING, message: `${fileName ?? 'This PNG'} was made with img2img, but its init image is not in the file: Generate makes a txt2img image (denoise is kept for when you add an init image).` });
    return loadSet(s, read.params, [...done, ...read.notices]);
  },
  /** Any parameter set (e.g. from history); normalized, notices replace the current ones. */
  loadParams(s: ParamsState, set: ParamSet): ParamsState {
    return loadSet(s, set, []);
  },
  /** Adds a notice, replacing an earlier one about the same path (e.g. the last model switch's). */
  pushNotice(s: ParamsState, notice: Notice): ParamsState {
    return { ...s, notices: capNotices([...s.notices.filter((n) => n.path !== notice.path), notice]) };
  },
  clearNotices(s: ParamsState): ParamsState {
    return s.notices.length ? { ...s, notices: [] } : s;
  },
  resetParams(s: ParamsState): ParamsState {
    return { ...INITIAL_PARAMS, simple: s.simple };
  },
};

export interface ParamsSlice {
  params: ParamsState;
  setGen: <P extends GenParamPath>(path: P, value: GenParamValue<P>) => void;
  setSa: <P extends SaParamPath>(path: P, value: SaParamValue<P>, pass?: SaPass) => void;
  setSaSimple: (patch: SaSimplePatch, pass?: SaPass) => void;
  resetSa: (pass?: SaPass) => void;
  applyPreset: (id: string, pass?: SaPass) => void;
  setSimple: (simple: boolean) => void;
  /** Returns the notices of this load. */
  loadFromUrl: (query: string) => Notice[];
  /** `fileName`: the dropped file's, for the notice confirming the restore */
  loadFromPng: (bytes: Uint8Array, fileName?: string) => Notice[];
  loadParams: (set: ParamSet) => Notice[];
  pushNotice: (notice: Notice) => void;
  clearNotices: () => void;
  resetParams: () => void;
  /** The v1 query for the current parameters (without '?'), with the custom model's URL when the store has one. */
  toUrl: () => string;
}

export const createParamsSlice =
  (initial: Partial<ParamsState> = {}): StateCreator<ParamsSlice & { customBase?: string }, [], [], ParamsSlice> =>
  (set, get) => {
    const T = paramsTransforms;
    const update = (f: (s: ParamsState) => ParamsState) => set((st) => ({ params: f(st.params) }));
    const load = (f: (s: ParamsState) => ParamsState) => {
      update(f);
      return get().params.notices;
    };
    return {
      params: { ...INITIAL_PARAMS, ...initial },
      setGen: (path, value) => update((s) => T.setGen(s, path, value)),
      setSa: (path, value, pass) => update((s) => T.setSa(s, path, value, pass)),
      setSaSimple: (patch, pass) => update((s) => T.setSaSimple(s, patch, pass)),
      resetSa: (pass) => update((s) => T.resetSa(s, pass)),
      applyPreset: (id, pass) => update((s) => T.applyPreset(s, id, pass)),
      setSimple: (simple) => update((s) => T.setSimple(s, simple)),
      loadFromUrl: (query) => load((s) => T.loadFromUrl(s, query)),
      loadFromPng: (bytes, fileName) => load((s) => T.loadFromPng(s, bytes, fileName)),
      loadParams: (paramSet) => load((s) => T.loadParams(s, paramSet)),
      pushNotice: (notice) => update((s) => T.pushNotice(s, notice)),
      clearNotices: () => update(T.clearNotices),
      resetParams: () => update(T.resetParams),
      toUrl: () => encodeUrlPreset({ gen: get().params.gen, sa: get().params.sa }, { customBase: get().customBase }),
    };
  };
