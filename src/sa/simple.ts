// The "simple" view of SA parameters (SPEC_SA.md §2): one blend per side (k_blend = v_blend) and
// one depth_decay for both sides. The full SaParams stay the truth; this is a lens over them.
import { DEFAULT_SA_PARAMS, normalizeSaParams, type PoolMode, type SaBlockParams, type SaParams } from './params.ts';

export interface SaSimpleBlock {
  readonly strength: number;
  readonly mode: PoolMode;
  /** k_blend = v_blend */
  readonly blend: number;
}

export interface SaSimpleParams {
  readonly enabled: boolean;
  readonly time_decay: number;
  readonly peak_time: number;
  readonly keep_middle: boolean;
  /** in.depth_decay = out.depth_decay */
  readonly depth_decay: number;
  readonly in: SaSimpleBlock;
  readonly out: SaSimpleBlock;
}

/** Any part of a simple view; what is left out keeps its value from the base. */
export type SaSimplePatch = Partial<Omit<SaSimpleParams, 'in' | 'out'>> & {
  readonly in?: Partial<SaSimpleBlock>;
  readonly out?: Partial<SaSimpleBlock>;
};

/** True when `params` loses nothing in the simple view (linked values are equal). */
export function isSimple(params: SaParams): boolean {
  return (
    params.in.depth_decay === params.out.depth_decay &&
    params.in.k_blend === params.in.v_blend &&
    params.out.k_blend === params.out.v_blend
  );
}

/** The simple view; values that differ in `params` are shown as their mean. */
export function toSimple(params: SaParams): SaSimpleParams {
  const block = (b: SaBlockParams): SaSimpleBlock => ({
    strength: b.strength,
    mode: b.mode,
    blend: (b.k_blend + b.v_blend) / 2,
  });
  return {
    enabled: params.enabled,
    time_decay: params.time_decay,
    peak_time: params.peak_time,
    keep_middle: params.keep_middle,
    depth_decay: (params.in.depth_decay + params.out.depth_decay) / 2,
    in: block(params.in),
    out: block(params.out),
  };
}

/**
 * Applies a (possibly partial) simple view over `base`: a given depth_decay sets both sides, a
 * given blend sets k_blend and v_blend of its side. Out-of-range values are clamped.
 */
export function fromSimple(simple: SaSimplePatch, base: SaParams = DEFAULT_SA_PARAMS): SaParams {
  const block = (b: SaBlockParams, s: Partial<SaSimpleBlock> | undefined): SaBlockParams => ({
    strength: s?.strength ?? b.strength,
    depth_decay: simple.depth_decay ?? b.depth_decay,
    mode: s?.mode ?? b.mode,
    k_blend: s?.blend ?? b.k_blend,
    v_blend: s?.blend ?? b.v_blend,
  });
  const merged: SaParams = {
    enabled: simple.enabled ?? base.enabled,
    time_decay: simple.time_decay ?? base.time_decay,
    peak_time: simple.peak_time ?? base.peak_time,
    keep_middle: simple.keep_middle ?? base.keep_middle,
    in: block(base.in, simple.in),
    out: block(base.out, simple.out),
  };
  return normalizeSaParams(merged).params;
}
