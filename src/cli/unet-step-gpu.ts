// `unet-step` on the GPU: the split U-Net as onnxruntime-web WebGPU segments with our WGSL site
// kernels between them (the same UnetRunner the app uses). Import only after nodeGpu().
import { DataType } from '../onnx/proto.ts';
import type { SplitUnet } from '../onnx/surgery.ts';
import type { AttnSite } from '../onnx/sites.ts';
import { siteGrid, type SaWindow } from '../sa/index.ts';
import { gpuSiteKernels, UnetRunner, type StepTimings } from '../gpu/unet-runner.ts';
import type { Ort, OrtTensor } from '../gpu/ort.ts';
import { tensorToF32 } from '../pipeline/tensor-io.ts';
import type { UnetStepInputs } from './unet-inputs.ts';

export function webTensors(ort: Ort, feeds: UnetStepInputs['feeds']): Record<string, OrtTensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
}

/** Creates a runner for `split` on `device` (f16 site kernels when the sample is float16). */
export function createRunner(ort: Ort, device: GPUDevice, split: SplitUnet): Promise<UnetRunner> {
  const half = split.graphInputs.find((g) => g.name === 'sample')?.dataType === DataType.FLOAT16;
  return UnetRunner.create(ort, device, split, gpuSiteKernels(device, split.loaded, half ? 'f16' : 'f32'));
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
