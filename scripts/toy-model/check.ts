// The toy model's accuracy check (issue #11): every single-object prompt × 2 seeds through the
// app's generation loop (src/pipeline/sd-pipeline.ts) on the CPU backend (onnxruntime-node segments
// + the CPU reference SA sites, which the WebGPU path equals to 1e-3), each image read back by
// src/models/toy/scene-check.ts — no torch involved. Writes, per SA setting, to --out:
//   <label>.json     settings, every case's reading, the accuracy
//   <label>.rgb.gz   the images, uint8 [N, size, size, 3] (re-read by toy-check.test.ts)
//   <label>.png      a contact sheet (one row per background/colour, 2 seeds per shape)
// Run: npx vite-node scripts/toy-model/check.ts -- [--model public/models/toy] [--out scripts/toy-model/check]
//      [--scheduler S] [--steps N] [--guidance G] [--seeds 1,2] [--sa off,default] [--sa-seeds 1]
// Scheduler, steps and guidance default to the toy model's registry defaults (what the app uses).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileFetch, modelBase } from '../../src/cli/file-fetch.ts';
import { loadSdPipeline } from '../../src/pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../../src/pipeline/testing/cpu-backend.ts';
import { EMBEDDED_DEFAULTS as defaults } from '../../src/params/model-defaults.ts';
import type { SchedulerName } from '../../src/params/request.ts';
import { accuracy } from '../../src/models/toy/scene-check.ts';
import { runToyCheck, SA_OFF, toyCheckCases, type ToyCheckSettings } from '../../src/models/toy/toy-check.ts';
import type { ToyVocabulary } from '../../src/models/toy/vocabulary.ts';
import { findSaPreset } from '../../src/params/sa-presets.ts';
import { encodePng } from '../../src/image/png.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const modelDir = arg('model', 'public/models/toy');
const outDir = arg('out', 'scripts/toy-model/check');
const vocab = JSON.parse(readFileSync(join(modelDir, 'slothful_toy.json'), 'utf8')) as ToyVocabulary & { imageSize: number };
const base = {
  seeds: arg('seeds', '1,2').split(',').map(Number),
  scheduler: arg('scheduler', defaults.scheduler) as SchedulerName,
  steps: Number(arg('steps', String(defaults.steps))),
  guidance: Number(arg('guidance', String(defaults.guidance))),
  size: vocab.imageSize,
};
/** seeds for the SA-on settings (the JS reference sites are slow; default: the first seed) */
const saSeeds = arg('sa-seeds', String(base.seeds[0])).split(',').map(Number);

async function main() {
  const files = await loadSdPipeline(modelBase(modelDir), { fetchImpl: fileFetch() });
  // SA off is plain attention: the unsplit U-Net on onnxruntime-node (5× faster than segments +
  // the JS reference sites, and what the WebGPU split pipeline equals to 1e-4).
  const split = await createCpuSdModel(files);
  const unsplit = await createCpuSdModel(files, { unsplit: true });
  mkdirSync(outDir, { recursive: true });
  const summary: Record<string, unknown> = {};
  try {
    for (const label of arg('sa', 'off,default').split(',')) {
      const sa = label === 'off' ? SA_OFF : findSaPreset(label)?.params;
      if (!sa) throw new Error(`--sa ${label}: not 'off' or an SA preset id`);
      const s: ToyCheckSettings = { ...base, seeds: label === 'off' ? base.seeds : saSeeds, sa };
      const model = label === 'off' ? unsplit : split;
      const n = s.size * s.size;
      const t0 = performance.now();
      const rgb = new Uint8Array(toyCheckCases(vocab, s.seeds).length * 3 * n);
      const entries = await runToyCheck(model, vocab, s, (i, img, e) => {
        for (let p = 0; p < n; p++) rgb.set(img.data.subarray(4 * p, 4 * p + 3), 3 * (i * n + p));
        const ok = e.read.shape === e.expected.shape && e.read.colour === e.expected.colour && e.read.background === e.expected.background;
        console.log(`[${label}] ${i + 1} seed ${e.seed} "${e.caption}" → ${e.read.colour} ${e.read.shape} on ${e.read.background}${ok ? '' : '  ✗'}`);
      });
      const acc = accuracy(entries);
      const seconds = (performance.now() - t0) / 1000;
      console.log(`[${label}] accuracy: background ${acc.background}, colour ${acc.colour}, shape ${acc.shape} (n ${acc.n}, ${seconds.toFixed(1)} s)`);
      writeFileSync(join(outDir, `${label}.json`), JSON.stringify({ settings: { ...s, model: modelDir }, accuracy: acc, seconds, entries }, null, 1) + '\n');
      writeFileSync(join(outDir, `${label}.rgb.gz`), gzipSync(rgb, { level: 9 }));
      writeFileSync(join(outDir, `${label}.png`), await contactSheet(rgb, entries.length, s.size, vocab.shapes.length * base.seeds.length));
      summary[label] = acc;
    }
  } finally {
    await split.release();
    await unsplit.release();
  }
  console.log(JSON.stringify(summary));
}

/** Images in rows of `cols`, RGBA PNG. */
async function contactSheet(rgb: Uint8Array, count: number, size: number, cols: number): Promise<Uint8Array> {
  const rows = Math.ceil(count / cols);
  const W = cols * size;
  const out = new Uint8ClampedArray(W * rows * size * 4).fill(255);
  for (let k = 0; k < count; k++) {
    const [ox, oy] = [(k % cols) * size, Math.floor(k / cols) * size];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const src = 3 * (k * size * size + y * size + x);
        out.set(rgb.subarray(src, src + 3), 4 * ((oy + y) * W + ox + x));
      }
    }
  }
  return encodePng(out, W, rows * size, { compress: true });
}

await main();
