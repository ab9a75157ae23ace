// Records the output statistics (dims, mean/std/min/max) of every model case in testing/cases.ts
// into __stats__/model-stats.json, which the model tests compare against. Re-run after a deliberate
// change to a generator: `npx vite-node src/models/record-stats.ts`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { allCases } from './testing/cases.ts';
import { stats } from './testing/cpu-run.ts';

const out: Record<string, Record<string, object>> = {};
for (const cases of Object.values(allCases())) {
  for (const c of cases) {
    const r = await c.run();
    out[c.id] = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { dims: v.dims, ...stats(v.values) }]));
    console.log(c.id, Object.entries(out[c.id]).map(([k, v]) => `${k} std ${(v as { std: number }).std.toFixed(4)}`).join(', '));
  }
}
const path = fileURLToPath(new URL('./__stats__/model-stats.json', import.meta.url));
await writeFile(path, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${Object.keys(out).length} cases to ${path}`);
