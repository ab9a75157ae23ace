// Kernel checks in the llm.c style: compare a GPU result with its CPU reference within
// tol + |ref|·eps and report the first mismatches; deterministic test data.

export interface Tolerance {
  /** absolute part */
  tol: number;
  /** relative part (times |ref|) */
  eps: number;
}

export interface CheckResult {
  ok: boolean;
  mismatches: number;
  maxAbsError: number;
  /** the first few mismatches, formatted for a failure message */
  first: string[];
}

export function checkClose(got: ArrayLike<number>, ref: ArrayLike<number>, { tol, eps }: Tolerance, shown = 8): CheckResult {
  if (got.length !== ref.length) {
    return { ok: false, mismatches: Math.max(got.length, ref.length), maxAbsError: Infinity, first: [`length ${got.length} ≠ reference length ${ref.length}`] };
  }
  let mismatches = 0;
  let maxAbsError = 0;
  const first: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i] - ref[i]);
    const bad = !(err <= tol + Math.abs(ref[i]) * eps); // NaN counts as a mismatch
    if (!(err <= maxAbsError)) maxAbsError = err;
    if (bad) {
      mismatches++;
      if (first.length < shown) first.push(`[${i}] got ${got[i]} ref ${ref[i]} |err| ${err.toExponential(2)}`);
    }
  }
  return { ok: mismatches === 0, mismatches, maxAbsError, first };
}

export class KernelMismatchError extends Error {
  override name = 'KernelMismatchError';
}

/** Throws with the first mismatches when `got` is not within tol + |ref|·eps of `ref`. */
export function assertClose(label: string, got: ArrayLike<number>, ref: ArrayLike<number>, t: Tolerance): CheckResult {
  const r = checkClose(got, ref, t);
  if (!r.ok) {
    throw new KernelMismatchError(
      `${label}: ${r.mismatches} of ${ref.length} values outside ${t.tol} + |ref|·${t.eps} (max |err| ${r.maxAbsError}). First:\n  ${r.first.join('\n  ')}`,
    );
  }
  return r;
}

/** Deterministic values in [-scale, scale) (mulberry32). */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** max |a − b| over two arrays; a NaN or ±Infinity that differs counts as Infinity. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) || (a[i] === b[i] ? 0 : Infinity));
  return m;
}
