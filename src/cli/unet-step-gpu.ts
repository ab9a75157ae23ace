// `unet-step` on the GPU: the split U-Net as onnxruntime-web WebGPU segments with our WGSL site
// kernels between them (the same UnetRunner the app uses). Import only after nodeGpu().
import type { SplitUnet } from '../onnx/surgery.ts';
import type { AttnSite } from '../onnx/sites.ts';
import { siteGrid, type SaWindow } from '../sa/index.ts';
import { gpuSiteKernels, UnetRunner, type StepTimings } from '../gpu/unet-runner.ts';
import { planSiteKernels, type KernelPlanOptions, type SiteKernelPlan } from '../gpu/kernel-check.ts';
import type { Ort, OrtTensor } from '../gpu/ort.ts';
import { tensorToF32 } from '../pipeline/tensor-io.ts';
import type { UnetStepInputs } from './unet-inputs.ts';

export function webTensors(ort: Ort, feeds: UnetStepInputs['feeds']): Record<string, OrtTensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
}

/** Checks the SA kernels `split` needs (planSiteKernels) and creates a runner on `device`. */
export async function createRunner(ort: Ort, device: GPUDevice, split: SplitUnet, opts: KernelPlanOptions = {}): Promise<{ runner: UnetRunner; plan: SiteKernelPlan }> {
  const plan = await planSiteKernels(device, split.sites, opts);
  return { runner: await UnetRunner.create(ort, device, split, gpuSiteKernels(device, split.loaded, plan.variants)), plan };
}

/** One U-Net call; returns the first graph output as float32 with its dims. */
export async function runUnetOnGpu(
  ort: Ort,
  runner: UnetRunner,
  inputs: UnetStepInputs,
  windowOf: (site: AttnSite) => SaWindow,
  profile = true,
): Promise<{ out: Float32Array; dims: number[]; timings: StepTimings }> {
  const { outputs, timings } = await runner.run(webTensors(ort, inputs.feeds), {
    gridOf: (s) => siteGrid(inputs.h, inputs.w, s.level),
    windowOf,
    profile,
  });
  try {
    const first = outputs[runner.split.graphOutputs[0]];
    return { out: await tensorToF32(first), dims: first.dims as number[], timings };
  } finally {
    for (const v of Object.values(outputs)) v.dispose();
  }
}
