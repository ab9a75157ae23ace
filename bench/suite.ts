// Bench suite (issues 9, 18): per U-Net call, our split model (ORT segments + WGSL SA sites) against
// the unsplit model on onnxruntime-web's WebGPU EP in two forms, on one device:
//   torch form  — the model as exported (attention as MatMul–Softmax–MatMul, N×N scores in memory)
//   fused MHA   — the same model with every attention rewritten to com.microsoft MultiHeadAttention
//                 (src/onnx/fuse-mha.ts), where ORT 1.30 runs its own flash attention
//   split: SA off, default SA, and a strong preset (--strong, default 'second-pass').
//   P1 = split SA off ÷ each unsplit form (the cost of cutting the graph and our attention vs ORT's)
//   P3 = speed-up of each SA over SA off and over each unsplit form, per size
//   P4 = GPU memory: bytes held by our buffers and ORT's (every createBuffer on the shared device)
//   P5 = largest square size that runs (step 128), each call bounded by a time limit
// Medians after warm-up, candidates interleaved (order rotated per round); wall clock from an idle
// queue to out_sample on the CPU, inputs uploaded each call. Prints Markdown tables headed by the
// date, adapter info, adapter and device features.
//   node --liftoff-only node_modules/.bin/vite-node bench/suite.ts -- [--model tiny|sd15|sd15-fp16|sd2|…]
//        [--unet model.onnx [--external weights.pb]] [--sizes 64,128] [--reps 5] [--warmup 1]
//        [--batch 2] [--timestep 600] [--strong second-pass] [--torch-max 1024] [--deadline-s N]
//        [--p5] [--p5-max 2048] [--p5-limit-s 60] [--no-probe | --probe-bias] [--quiet]
// A -fp16 model on an adapter without shader-f16 prints why it was skipped and exits 0.
import { parseArgs } from 'node:util';
import { nodeGpu, nodeGpuContext, ortWasmDir } from '../src/gpu/node-gpu.ts';
import { findSaPreset, SA_PRESET_IDS } from '../src/params/sa-presets.ts';
import { loadBenchUnet } from './suite-model.ts';
import { adapterHeader } from './adapter-header.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    model: { type: 'string', default: 'tiny' },
    unet: { type: 'string' },
    external: { type: 'string' },
    sizes: { type: 'string', default: '64,128' },
    reps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    batch: { type: 'string', default: '2' },
    timestep: { type: 'string', default: '600' },
    strong: { type: 'string', default: 'second-pass' },
    'torch-max': { type: 'string', default: '1024' },
    'deadline-s': { type: 'string' },
    p5: { type: 'boolean', default: false },
    'p5-max': { type: 'string', default: '2048' },
    'p5-limit-s': { type: 'string', default: '60' },
    'no-probe': { type: 'boolean', default: false },
    'probe-bias': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const t0 = performance.now();
const log = values.quiet ? () => {} : (s: string) => console.error(s);
await nodeGpu(); // Dawn must be navigator.gpu before our kernels and ORT load
const ctx = await nodeGpuContext();
const fp16 = values.model!.endsWith('-fp16');
const header = adapterHeader(ctx, `Bench suite, ${values.unet ?? values.model}`);
if (fp16 && !values.unet && !ctx.device.features.has('shader-f16')) {
  console.log(`${header}\n\nSkipped: --model ${values.model} needs shader-f16, which this device does not have (ORT refuses fp16 models without it).`);
  process.exit(0);
}
const strong = findSaPreset(values.strong!);
if (!strong) throw new Error(`--strong ${values.strong}: use one of ${SA_PRESET_IDS.join(', ')}.`);
const sizes = values.sizes!.split(',').map(Number);
if (sizes.some((s) => !Number.isInteger(s) || s % 8 || s < 8)) throw new Error('--sizes: pixel sizes, multiples of 8, e.g. 256,512.');
if (!(Number(values.reps) >= 1) || !(Number(values.warmup) >= 0)) throw new Error('--reps must be ≥ 1 and --warmup ≥ 0.');
const { runSuite } = await import('./suite-run.ts');
const { formatSuite } = await import('./suite-table.ts');
let probe = '';
if (!values['no-probe']) {
  const { loadOrt } = await import('../src/gpu/ort.ts');
  const { describeMhaPaths, probeMhaPaths } = await import('./ort-mha-path.ts');
  probe = `- ORT MultiHeadAttention path on this device (largest buffer of one run vs its score tensor): ${describeMhaPaths(await probeMhaPaths(await loadOrt(ortWasmDir()), ctx.device, fp16 ? 'float16' : 'float32', Number(values.batch), values['probe-bias']))}`;
  log(probe);
}
const unet = await loadBenchUnet(values.model!, values.unet, values.external);
const opts = {
  sizes,
  reps: Number(values.reps),
  warmup: Number(values.warmup),
  batch: Number(values.batch),
  timestep: Number(values.timestep),
  strong: { id: strong.id, params: strong.params },
  torchMax: Number(values['torch-max']),
  // --deadline-s counts from the start of this process (model building and session creation included)
  deadlineAt: values['deadline-s'] ? t0 + Number(values['deadline-s']) * 1000 : undefined,
  p5: values.p5 ? { max: Number(values['p5-max']), limitMs: Number(values['p5-limit-s']) * 1000 } : undefined,
};
const result = await runSuite(ctx, unet, opts, log);
console.log(formatSuite(probe ? `${header}\n${probe}` : header, unet, opts, result, (performance.now() - t0) / 1000));
process.exit(0); // Dawn keeps the event loop alive
