// IEEE binary16 ⇄ float for the kernels and their references: the conversions are the project's
// one implementation in src/onnx/float16.ts (round to nearest, ties to even); this adds rounding
// of reference inputs to what an f16 tensor holds.
import { fromHalf, fromHalfBits, toHalf, toHalfBits } from '../../onnx/float16.ts';

export { fromHalf, toHalf };
export const halfBits = toHalfBits;
export const halfToFloat = fromHalfBits;

/** values rounded to the nearest binary16 (what an f16 tensor holds). */
export function roundToHalf(values: ArrayLike<number>): Float32Array {
  return fromHalf(toHalf(values));
}
