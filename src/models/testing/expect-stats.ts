// Compares a model case's outputs with the statistics recorded in __stats__/model-stats.json.
import { expect } from 'vitest';
import recorded from '../__stats__/model-stats.json';
import { allFinite, stats, type OutputStats } from './cpu-run.ts';
import type { RunOutput } from './cases.ts';

type Recorded = Record<string, Record<string, OutputStats & { dims: number[] }>>;

/** Finite outputs, the recorded dims, and mean/std/min/max within tol + |v|·rel of the record. */
export function expectRecordedStats(id: string, out: Record<string, RunOutput>): void {
  const rec = (recorded as Recorded)[id];
  if (!rec) throw new Error(`No recorded stats for ${id}: run \`npx vite-node src/models/record-stats.ts\`.`);
  const fp16 = id.includes('float16');
  const [tol, rel] = fp16 ? [2e-3, 1e-2] : [1e-5, 1e-4];
  expect(Object.keys(out).sort()).toEqual(Object.keys(rec).sort());
  for (const [name, r] of Object.entries(rec)) {
    const o = out[name];
    expect(o.dims, `${id} ${name} dims`).toEqual(r.dims);
    expect(allFinite(o.values), `${id} ${name} finite`).toBe(true);
    const s = stats(o.values);
    for (const k of ['mean', 'std', 'min', 'max'] as const) {
      expect(Math.abs(s[k] - r[k]), `${id} ${name} ${k}: ${s[k]} vs recorded ${r[k]}`).toBeLessThanOrEqual(tol + Math.abs(r[k]) * rel);
    }
  }
}
