// Benchmark: graph surgery on a full-size U-Net read from disk (default: the sd15 fp16 synthetic
// model, ≈1.7 GB of weights in unet/weights.pb, made by bench/make-model.ts). Reports the time to
// read + decode + find the sites + write the 17 segments, and peak RSS (maxRSS) against the
// model's size: segments reference the original bytes, so no weight may be copied.
// npx vite-node bench/make-model.ts -- --unet-only --keep && npx vite-node bench/split-unet.ts -- [--dir DIR]
//
// Measured 2026-11-26 on the project machine (2 cores AMD EPYC, shared with other jobs), sd15 fp16
// torch2 (1640 MiB): read 6.1 s, split 1.31 s (17 segments, 0.83 MiB in all), peak RSS 1825 MiB =
// model + 185 MiB (targets: < 5 s, < model + 300 MB).
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { splitUnet } from '../src/onnx/surgery.ts';
import { externalDataLocations } from '../src/pipeline/load-pipeline.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { dir: { type: 'string', default: join(tmpdir(), 'slothful-bench-model') } },
});
const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const unetDir = join(values.dir!, 'unet');

const t0 = performance.now();
/** The file's bytes as a view of the Buffer readFile returns (new Uint8Array(buffer) would copy). */
const bytes = async (path: string) => {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const model = await bytes(join(unetDir, 'model.onnx'));
const externalData = await Promise.all(externalDataLocations(model).map(async (path) => ({ path, data: await bytes(join(unetDir, path)) })));
const tRead = performance.now();
const split = splitUnet(model, { externalData });
const tSplit = performance.now();
const modelBytes = model.byteLength + externalData.reduce((a, b) => a + b.data.byteLength, 0);
const segBytes = split.segments.reduce((a, s) => a + s.model.byteLength, 0);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`| model | files MiB | read s | split s | segments (sum MiB) | sites | peak RSS MiB | RSS − model MiB |`);
console.log(`|---|---|---|---|---|---|---|---|`);
console.log(
  `| ${values.dir} | ${mib(modelBytes)} | ${((tRead - t0) / 1000).toFixed(2)} | ${((tSplit - tRead) / 1000).toFixed(2)} | ${split.segments.length} (${(segBytes / 2 ** 20).toFixed(2)}) | ${split.sites.length} | ${mib(peak)} | ${mib(peak - modelBytes)} |`,
);
