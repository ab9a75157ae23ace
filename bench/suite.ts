// Bench suite (issue 9): per U-Net call, the unsplit model on onnxruntime-web's WebGPU EP vs our
// split model (ORT segments + WGSL SA sites) with SA off and with the default SA, on one device.
//   P1 = split SA off ÷ unsplit (the cost of cutting the graph; target ≤ 1.03)
//   P3 = speed-up of the default SA over the unsplit model and over SA off, per size
//   P4 = GPU memory: bytes held by our buffers and ORT's (every createBuffer on the shared device)
//   P5 = largest square size that runs (step 128), each call bounded by a time limit
// Medians after warm-up, candidates interleaved (order rotated per round); wall clock from an idle
// queue to out_sample on the CPU, inputs uploaded each call. Prints a Markdown table.
//   node --liftoff-only node_modules/.bin/vite-node bench/suite.ts -- [--model tiny|sd15-fp16|sd2|…]
//        [--unet model.onnx [--external weights.pb]] [--sizes 64,128] [--reps 5] [--warmup 1]
//        [--batch 2] [--timestep 600] [--p5] [--p5-max 2048] [--p5-limit-s 60]
import { parseArgs } from 'node:util';
import { nodeGpu, nodeGpuContext } from '../src/gpu/node-gpu.ts';
import { loadBenchUnet } from './suite-model.ts';

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
    p5: { type: 'boolean', default: false },
    'p5-max': { type: 'string', default: '2048' },
    'p5-limit-s': { type: 'string', default: '60' },
    quiet: { type: 'boolean', default: false },
  },
});

await nodeGpu(); // Dawn must be navigator.gpu before our kernels and ORT load
const ctx = await nodeGpuContext();
const { runSuite } = await import('./suite-run.ts');
const { formatSuite } = await import('./suite-table.ts');
const unet = await loadBenchUnet(values.model!, values.unet, values.external);
const sizes = values.sizes!.split(',').map(Number);
if (sizes.some((s) => !Number.isInteger(s) || s % 8 || s < 8)) throw new Error('--sizes: pixel sizes, multiples of 8, e.g. 256,512.');
if (!(Number(values.reps) >= 1) || !(Number(values.warmup) >= 0)) throw new Error('--reps must be ≥ 1 and --warmup ≥ 0.');
const opts = {
  sizes,
  reps: Number(values.reps),
  warmup: Number(values.warmup),
  batch: Number(values.batch),
  timestep: Number(values.timestep),
  p5: values.p5 ? { max: Number(values['p5-max']), limitMs: Number(values['p5-limit-s']) * 1000 } : undefined,
};
const t0 = performance.now();
const result = await runSuite(ctx, unet, opts, values.quiet ? () => {} : (s) => console.error(s));
console.log(formatSuite(ctx, unet, opts, result, (performance.now() - t0) / 1000));
process.exit(0); // Dawn keeps the event loop alive
