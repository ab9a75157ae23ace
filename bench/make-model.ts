// Benchmark: generating a full-size synthetic pipeline (default sd15 fp16, U-Net ≈1.7 GB in
// unet/weights.pb). Reports wall time per component and peak RSS (process.resourceUsage().maxRSS).
// npx vite-node bench/make-model.ts -- [--config sd15] [--dtype float16] [--attention torch2] [--out DIR] [--unet-only] [--keep]
//
// Measured 2026-11-26 on the project machine (2 cores AMD EPYC, shared: load average 7–9 from other
// jobs during the runs, so wall times are pessimistic; user CPU for the whole sd15 pipeline: 14 s):
//   sd15 fp16 torch2, whole pipeline (2037 MiB):  35.4 s, peak RSS 1997 MiB
//     of which U-Net (1639 MiB weights.pb): make 19.3 s + write 6.0 s
//   sd15 fp16 ort-fused, U-Net only:              21.4 s, peak RSS 1928 MiB
//   sd2  fp16 torch2,    U-Net only (1652 MiB):   26.3 s, peak RSS 1958 MiB
import { parseArgs } from 'node:util';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { pipelineFiles } from '../src/models/pipeline.ts';
import type { AttentionStyle } from '../src/models/attention.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    config: { type: 'string', default: 'sd15' },
    dtype: { type: 'string', default: 'float16' },
    attention: { type: 'string', default: 'torch2' },
    out: { type: 'string', default: join(tmpdir(), 'slothful-bench-model') },
    'unet-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const t0 = performance.now();
const files = pipelineFiles(values.config!, { attention: values.attention as AttentionStyle, dtype: values.dtype as 'float16', seed: 1 });
let total = 0;
for (const f of files) {
  if (values['unet-only'] && !f.path.startsWith('unet/')) continue;
  const t = performance.now();
  const data = f.make();
  const made = performance.now() - t;
  if (!data.byteLength) continue;
  const path = join(values.out!, f.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  total += data.byteLength;
  if (data.byteLength > 2 ** 20) {
    console.log(`${f.path.padEnd(28)} ${mib(data.byteLength).padStart(6)} MiB  make ${(made / 1000).toFixed(1)} s  +write ${((performance.now() - t - made) / 1000).toFixed(1)} s`);
  }
}
const secs = (performance.now() - t0) / 1000;
const rss = process.resourceUsage().maxRSS * 1024;
console.log(`${values.config} ${values.dtype} ${values.attention}: ${mib(total)} MiB in ${secs.toFixed(1)} s, peak RSS ${mib(rss)} MiB (${cpus().length} cores, ${cpus()[0]?.model ?? '?'})`);
if (!values.keep) await rm(values.out!, { recursive: true, force: true });
