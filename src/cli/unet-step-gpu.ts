// `unet-step` on the GPU: the split U-Net as onnxruntime-web WebGPU segments with our WGSL site
// kernels between them (the same UnetRunner the app uses). Import only after nodeGpu().
import type { AttnSite } from '../onnx/sites.ts';
import { siteGrid, type SaWindow } from '../sa/index.ts';
import type { UnetRunner } from '../gpu/unet-runner.ts';
import type { StepTimings } from '../gpu/sd-backend.ts';
import type { Ort } from '../gpu/ort.ts';
import { ortTensors, tensorToF32 } from '../gpu/ort-tensors.ts';
import type { UnetStepInputs } from './unet-inputs.ts';

/** One U-Net call; returns the first graph output as float32 with its dims. */
export async function runUnetOnGpu(
  ort: Ort,
  runner: UnetRunner,
  inputs: UnetStepInputs,
  windowOf: (site: AttnSite) => SaWindow,
  profile = true,
): Promise<{ out: Float32Array; dims: number[]; timings: StepTimings }> {
  const { outputs, timings } = await runner.run(ortTensors(ort, inputs.feeds), {
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
