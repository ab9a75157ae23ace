// The image sizes and SA strengths the size sweeps run (src/sa/sizes.test.ts on the schedule and
// pool reference, src/gpu/kernels/sizes.gpu.test.ts on the GPU kernels): every width and height
// 64…512 in steps of 8, SA off / default / strong 3×3 / stronger 4×4 / 1D.
import { DEFAULT_SA_PARAMS, type SaParams } from './params.ts';

export const SIDES: readonly number[] = Array.from({ length: 57 }, (_, i) => 64 + 8 * i);

/** every width × height pair (57 × 57) */
export const ALL_SIZES: readonly [number, number][] = SIDES.flatMap((w) => SIDES.map((h): [number, number] => [w, h]));

/** each width at height 64, each height at width 64, and the diagonal (169 distinct sizes) */
export const AXIS_SIZES: readonly [number, number][] = [
  ...new Map(
    [...SIDES.map((w): [number, number] => [w, 64]), ...SIDES.map((h): [number, number] => [64, h]), ...SIDES.map((s): [number, number] => [s, s])].map((p) => [p.join('×'), p]),
  ).values(),
];

/** time_decay 0 and depth_decay 0: every active site gets the block's strength as its stride */
const flat = (strength: number, mode: SaParams['in']['mode'], blend: number): SaParams => ({
  ...DEFAULT_SA_PARAMS,
  time_decay: 0,
  keep_middle: false,
  in: { strength, depth_decay: 0, mode, k_blend: blend, v_blend: blend / 2 },
  out: { strength, depth_decay: 0, mode, k_blend: blend, v_blend: blend / 2 },
});

export const SA_STRENGTHS: readonly { name: string; params: SaParams }[] = [
  { name: 'off', params: { ...DEFAULT_SA_PARAMS, enabled: false } },
  { name: 'default', params: DEFAULT_SA_PARAMS },
  { name: 'strong 3×3 (avg)', params: flat(9, '2D_AVG', 0.5) },
  { name: 'stronger 4×4 (max)', params: flat(16, '2D_MAX', 1) },
  { name: '1D len 9 (max)', params: flat(9, '1D_MAX', 0.25) },
];

/** a 3-step schedule's model timesteps (start, middle, end) */
export const SWEEP_TIMESTEPS: readonly number[] = [999, 500, 1];
