// SDXL in the public web exports' form — fp16 bodies behind fp32 inputs/outputs (Cyronius' and
// d0gr's cards: keep_io_types / "I/O fp32, fp16 internals") — on onnxruntime-web fp16 (lavapipe,
// shader-f16) with native-f16 SA sites: tiny-xl, 64², 2 Euler steps, CFG 5 with zero negatives;
// SA off against the same seeded weights in fp32 on onnxruntime-node (unsplit U-Net), within the
// fp16 tolerance fp16-pipeline.gpu-f16.test.ts uses (4e-2·max|latents|, 10/255); strong SA differs.
// Measured (lavapipe, 2026-12-08): max|latents| 5.79, SA-off error 8.9e-3·max, SA on vs off 0.34·max; 38 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../gpu/kernels/check.ts';
import { buildPipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../sa/index.ts';
import { loadOrt } from '../gpu/ort.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { testGpuContext } from '../gpu/testing/with-gpu-device.ts';
import { backendHost } from '../gpu/runtime.ts';
import { loadSdPipeline, type SdPipelineFiles } from './load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { generateImage } from './sd-pipeline.ts';
import { createCpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import type { GenerateRequest } from '../params/request.ts';

const OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };
const STRONG: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 6, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } };
const REQ: GenerateRequest = { prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 2, guidance: 5, width: 64, height: 64, scheduler: 'euler', sa: OFF };
const [LATENT_TOL, PIXEL_TOL] = [4e-2, 10];
const maxAbs = (x: ArrayLike<number>) => Math.max(...Array.from(x, Math.abs));

async function files(dtype: 'float32' | 'float16'): Promise<SdPipelineFiles> {
  const base = `mem://tiny-xl-${dtype}`;
  return loadSdPipeline(base, { fetchImpl: memoryFetch(buildPipeline('tiny-xl', { attention: 'torch2', dtype, ioDtype: 'float32', seed: 1 }), base) });
}

let gpu: LoadedSdModel;
beforeAll(async () => {
  const { device } = await testGpuContext();
  expect(device.features.has('shader-f16')).toBe(true);
  gpu = await createSdModel(backendHost(await loadOrt(ortWasmDir()), device), await files('float16'), { id: 'tiny-xl-f16' });
});
afterAll(() => gpu?.release());

describe('SDXL fp16 body, fp32 edges (tiny-xl) on lavapipe', () => {
  it('SA off: near the fp32 CPU pipeline (unsplit U-Net); strong SA changes the latents by more than that tolerance', async () => {
    expect(gpu.info.dtype).toBe('float16');
    const cpu = await createCpuSdModel(await files('float32'), { unsplit: true });
    const ref = await generateImage(cpu, REQ);
    await cpu.release();
    const off = await generateImage(gpu, REQ);
    expect(off.timesteps).toEqual(ref.timesteps);
    const scale = maxAbs(ref.latents!);
    const err = maxAbsDiff(off.latents!, ref.latents!);
    expect(err).toBeLessThanOrEqual(LATENT_TOL * scale);
    expect(maxAbsDiff(off.image.data, ref.image.data)).toBeLessThanOrEqual(PIXEL_TOL);
    const on = await generateImage(gpu, { ...REQ, sa: STRONG });
    expect(maxAbsDiff(on.latents!, off.latents!)).toBeGreaterThan(LATENT_TOL * scale);
    console.log(`tiny-xl fp16: max|latents| ${scale.toFixed(2)}, SA-off error ${(err / scale).toExponential(2)}·max, SA on vs off ${(maxAbsDiff(on.latents!, off.latents!) / scale).toExponential(2)}·max`);
  });
});
