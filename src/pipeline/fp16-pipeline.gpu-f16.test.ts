// Whole generations of fp16 pipelines on onnxruntime-web fp16 (WebGPU on Mesa 25 lavapipe, which
// has shader-f16) with our native-f16 SA sites, against the fp32 CPU reference (the same seeded
// weights in fp32: onnxruntime-node, split U-Net with the CPU reference sites). Two fp16 forms:
// the public browser exports' fp16 body behind fp32 inputs/outputs (Cast nodes at the edges), and
// fp16 throughout. Also: the kernel self-check's fallback to packed f16 when native is forced to
// mismatch. Tiny model, 128², 2 Euler steps with CFG, SA off and strong SA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../gpu/kernels/check.ts';
import { buildPipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../sa/index.ts';
import { loadOrt, type Ort } from '../gpu/ort.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { testGpuContext } from '../gpu/testing/with-gpu-device.ts';
import { loadSdPipeline, type SdPipelineFiles } from './load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { backendHost } from '../gpu/runtime.ts';
import { generateImage } from './sd-pipeline.ts';
import { createCpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import type { GenerateResult } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';
import type { KernelPlanOptions } from '../gpu/kernel-check.ts';

const OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };
const STRONG: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 6, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } };
const REQ: GenerateRequest = { prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 2, guidance: 7.5, width: 128, height: 128, scheduler: 'euler', sa: OFF };

/**
 * fp16 against the fp32 reference. Measured on this suite's runs (lavapipe, 2026-12-07): latents
 * within 2.7e-2 · max|latents| (max|latents| ≈ 55) and 8-bit images within 7/255 — the fp16
 * rounding of every weight and activation through the text encoder, two U-Net calls whose
 * difference CFG 7.5 multiplies, and the VAE. Tolerances: 4e-2 · max|latents| and 10/255.
 */
const LATENT_TOL = 4e-2;
const PIXEL_TOL = 10;


const maxAbs = (x: ArrayLike<number>) => Math.max(...Array.from(x, Math.abs));

async function files(dtype: 'float32' | 'float16', ioDtype?: 'float32'): Promise<SdPipelineFiles> {
  const base = `mem://tiny-${dtype}-${ioDtype ?? dtype}`;
  return loadSdPipeline(base, { fetchImpl: memoryFetch(buildPipeline('tiny', { attention: 'torch2', dtype, ioDtype, seed: 1 }), base) });
}

let ort: Ort;
let device: GPUDevice;
const ref: Partial<Record<'off' | 'on', GenerateResult>> = {};

async function gpuModel(f: SdPipelineFiles, kernels?: KernelPlanOptions): Promise<LoadedSdModel> {
  return createSdModel(backendHost(ort, device), f, { id: 'tiny', kernels });
}

function expectNearReference(got: GenerateResult, r: GenerateResult): void {
  expect(got.timesteps).toEqual(r.timesteps);
  expect(Array.from(got.latents!).every(Number.isFinite)).toBe(true);
  expect(maxAbsDiff(got.latents!, r.latents!)).toBeLessThanOrEqual(LATENT_TOL * maxAbs(r.latents!));
  expect(maxAbsDiff(got.image.data, r.image.data)).toBeLessThanOrEqual(PIXEL_TOL);
}

beforeAll(async () => {
  ort = await loadOrt(ortWasmDir());
  ({ device } = await testGpuContext());
  const cpu = await createCpuSdModel(await files('float32'));
  ref.off = await generateImage(cpu, REQ);
  ref.on = await generateImage(cpu, { ...REQ, sa: STRONG });
  await cpu.release();
});

describe('fp16 body behind fp32 edges (the public web exports\' form), native-f16 SA sites', () => {
  let f16e: SdPipelineFiles;
  let model: LoadedSdModel;
  let nativeOn: GenerateResult;
  beforeAll(async () => {
    f16e = await files('float16', 'float32');
    model = await gpuModel(f16e);
  });
  afterAll(async () => model?.release());

  it('graph inputs/outputs are float32 while every site carries float16, and the sites run f16-native', () => {
    expect(f16e.unet.io.inputs.find((v) => v.name === 'sample')?.dataType).toBe(1); // FLOAT
    expect(f16e.unet.io.outputs[0].dataType).toBe(1);
    expect(model.info.dtype).toBe('float16');
    expect(model.info.kernels.variants).toEqual(Array(16).fill('f16-native'));
    expect(model.info.kernels.fallback).toBeUndefined();
    expect(model.info.kernels.checks.every((c) => c.ok && c.variant === 'f16-native')).toBe(true);
  });

  it('SA off and strong SA: each equals the fp32 CPU reference within the stated tolerance; SA changes the image', async () => {
    const off = await generateImage(model, REQ);
    nativeOn = await generateImage(model, { ...REQ, sa: STRONG });
    expectNearReference(off, ref.off!);
    expectNearReference(nativeOn, ref.on!);
    // the SA effect stands well above the fp16 noise (seen: 4.7 against 1.5)
    expect(maxAbsDiff(nativeOn.latents!, off.latents!)).toBeGreaterThan(2 * maxAbsDiff(off.latents!, ref.off!.latents!));
  });

  it('a forced native mismatch in the self-check falls back to packed f16, says so, and draws the same image', async () => {
    const fallback = await gpuModel(f16e, { forceMismatch: 'f16-native' });
    try {
      expect(fallback.info.kernels.variants).toEqual(Array(16).fill('f16-packed'));
      expect(fallback.info.kernels.fallback).toMatch(/native f16 kernels .* wrong results .* packed f16/);
      expect(fallback.info.kernels.checks.some((c) => c.variant === 'f16-native' && !c.ok)).toBe(true);
      expect(fallback.info.kernels.checks.filter((c) => c.variant === 'f16-packed').every((c) => c.ok)).toBe(true);
      const packedOn = await generateImage(fallback, { ...REQ, sa: STRONG });
      // native and packed run the same f32 arithmetic: bit-identical latents
      expect(Array.from(packedOn.latents!)).toEqual(Array.from(nativeOn.latents!));
    } finally {
      await fallback.release();
    }
  });
});

describe('fp16 throughout (fp16 inputs and outputs), native-f16 SA sites', () => {
  it('strong SA equals the fp32 CPU reference within the stated tolerance', async () => {
    const f16 = await files('float16');
    expect(f16.unet.io.inputs.find((v) => v.name === 'sample')?.dataType).toBe(10); // FLOAT16
    const model = await gpuModel(f16);
    try {
      expect(model.info.kernels.variants).toEqual(Array(16).fill('f16-native'));
      expectNearReference(await generateImage(model, { ...REQ, sa: STRONG }), ref.on!);
    } finally {
      await model.release();
    }
  });
});
