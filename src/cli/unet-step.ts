// `unet-step`: one U-Net call with SA on given .npy inputs, on the GPU (split model: ORT WebGPU
// segments + our site kernels) or, with --cpu, on the onnxruntime-node CPU reference (the same
// segments, with the CPU site reference between them). Writes out.npy and, on request, the sites.
import { writeFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { writeNpy } from '../onnx/npy.ts';
import type { SplitUnet } from '../onnx/surgery.ts';
import { createCpuSplitRunner } from '../onnx/testing/cpu-split-runner.ts';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { saFromFlag, type UnetStepArgs } from './args.ts';
import { ms, printNotices, type CliIo } from './io.ts';
import { printSiteKernels } from './site-kernels.ts';
import type { F16Path } from '../gpu/kernels/dtype.ts';
import { loadSplitUnet, outputF32, readUnetInputs, siteWindows, type SiteReport, type UnetStepInputs } from './unet-inputs.ts';

/** The CPU reference: onnxruntime-node segments + the CPU site reference (SPEC_SA §1). */
export async function runUnetOnCpu(split: SplitUnet, inputs: UnetStepInputs, sites: readonly SiteReport[]): Promise<{ out: Float32Array; dims: number[] }> {
  const runner = await createCpuSplitRunner(split);
  try {
    const feeds = Object.fromEntries(Object.entries(inputs.feeds).map(([k, t]) => [k, new ortNode.Tensor(t.type, t.data, t.dims)]));
    const outs = await runner.run(feeds, (s) => ({ window: sites[s.index].window, h: sites[s.index].h, w: sites[s.index].w }));
    const first = outs[split.graphOutputs[0]];
    return { out: outputF32(first.data), dims: first.dims as number[] };
  } finally {
    await runner.release();
  }
}

async function runOnGpu(split: SplitUnet, inputs: UnetStepInputs, sites: SiteReport[], io: CliIo, f16Path?: F16Path) {
  const { openGpu } = await import('./gpu.ts');
  const { ctx, ort } = await openGpu(io);
  const { runUnetOnGpu } = await import('./unet-step-gpu.ts');
  const { createUnetRunner } = await import('../gpu/gpu-backend.ts');
  const t0 = performance.now();
  const { runner, plan } = await createUnetRunner(ort, ctx.device, split, { f16Path });
  io.log(`sessions: ${split.segments.length} segments in ${ms(performance.now() - t0)}; SA kernels per site:`);
  printSiteKernels(io, sites, plan);
  sites.forEach((s, i) => (s.storage = plan.variants[i]));
  try {
    const r = await runUnetOnGpu(ort, runner, inputs, (s) => sites[s.index].window);
    io.log(`gpu: ORT segments ${ms(r.timings.ortMs)}, SA sites ${ms(r.timings.siteMs)}`);
    return r;
  } finally {
    await runner.release();
  }
}

export async function unetStepCommand(a: UnetStepArgs, io: CliIo): Promise<void> {
  const split = loadSplitUnet(a.unet, a.external);
  const inputs = readUnetInputs(split, a);
  const sa = saFromFlag(a.sa, DEFAULT_SA_PARAMS, io.readText);
  printNotices(io, sa.notices);
  const sites = siteWindows(split, sa.params, inputs.t, inputs.h, inputs.w);
  const active = sites.filter((s) => s.window.active).length;
  io.log(`unet: ${split.sites.length} attn1 sites (${split.sites[0]?.style}), sample [${inputs.feeds.sample.dims.join(', ')}] ${inputs.feeds.sample.type}, t = ${inputs.t}; SA active at ${active} sites`);
  const t0 = performance.now();
  if (a.cpu) sites.forEach((s) => (s.storage = 'cpu-reference'));
  const r = a.cpu ? await runUnetOnCpu(split, inputs, sites) : await runOnGpu(split, inputs, sites, io, a.f16Path);
  io.log(`${a.cpu ? 'cpu reference' : 'gpu'} U-Net call: ${ms(performance.now() - t0)}`);
  writeFileSync(a.out, writeNpy({ dtype: '<f4', shape: r.dims, data: r.out }));
  io.log(`wrote ${a.out} [${r.dims.join(', ')}]`);
  if (a.sites) {
    writeFileSync(a.sites, JSON.stringify({ timestep: inputs.t, latent: { h: inputs.h, w: inputs.w }, sa: sa.params, sites }, null, 1) + '\n');
    io.log(`wrote ${a.sites}`);
  }
}
