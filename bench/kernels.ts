// Kernel micro-benchmark at SD1.5 level-0 shapes (B=2, C=320, 8 heads × 40): our flash attention
// and whole SA site (pool → Q/K/V → attention) at stride 1, 2×2 and 3×3, next to
// onnxruntime-web's WebGPU EP running the same attention (MatMul–Softmax–MatMul and
// com.microsoft MultiHeadAttention) on the same device; plus the MatMul versions. Prints a
// Markdown table headed by the date, the adapter and its features. Medians of repeated runs after a warm-up, ours and ORT
// interleaved, wall clock to queue completion (GPU timestamps for our passes where available).
//   node --liftoff-only node_modules/.bin/vite-node bench/kernels.ts -- [--small] [--sizes 512,1024]
//        [--reps 5] [--dtype f32|f16] [--no-ort] [--check] [--tune] [--head-dim 40|64]
// --check: first compare every kernel with its CPU reference on this adapter (f32, packed f16 and,
// with shader-f16, the `enable f16` variant). --tune: also time attention tilings at stride 1.
// --small: one 128² image (16×16 latent, N = 256) — for SwiftShader (~0.1 GFLOP/s), where one
// 256² (N = 1024) stride-1 call already takes ~30 s and ORT's MatMul–Softmax–MatMul minutes.
import { parseArgs } from 'node:util';
import { nodeGpu, nodeGpuContext } from '../src/gpu/node-gpu.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    small: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '512,1024' },
    reps: { type: 'string', default: '5' },
    dtype: { type: 'string', default: 'f32' },
    'no-ort': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    tune: { type: 'boolean', default: false },
    'head-dim': { type: 'string', default: '40' },
  },
});

await nodeGpu(); // Dawn must be navigator.gpu before the kernels (GPUBufferUsage) and ORT load
const ctx = await nodeGpuContext();
const { runKernelBench } = await import('./kernels-run.ts');
const { adapterHeader } = await import('./adapter-header.ts');
console.log(adapterHeader(ctx, 'Kernel benchmark') + '\n');
if (values.check) {
  const { runKernelChecks } = await import('./kernels-check.ts');
  console.log(`kernel checks on ${ctx.report.description || ctx.report.device}:`);
  if (!(await runKernelChecks(ctx.device))) process.exitCode = 1;
}
const dtype = values.dtype === 'f16' ? 'f16' : 'f32';
if (dtype === 'f16' && !ctx.report.shaderF16) console.error('note: no shader-f16 here; f16 runs the packed-u32 path');
await runKernelBench(ctx, {
  sizes: values.small ? [128] : values.sizes!.split(',').map(Number),
  reps: Number(values.reps),
  dtype,
  ort: !values['no-ort'],
  tune: values.tune!,
  headDim: Number(values['head-dim']),
});
process.exit(process.exitCode ?? 0);
