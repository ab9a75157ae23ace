// The whole generation on the GPU path (ORT WebGPU on Dawn + our SA kernels) against the CPU
// reference (onnxruntime-node; U-Net unsplit, or split with reference sites), on the tiny model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../sa/index.ts';
import { loadOrt } from '../gpu/ort.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { testGpuContext } from '../gpu/testing/with-gpu-device.ts';
import { loadSdPipeline, type SdPipelineFiles } from './load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { backendHost } from '../gpu/runtime.ts';
import { generateImage } from './sd-pipeline.ts';
import { createCpuSdModel, type CpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import { GenerationInterrupted, type GenerateResult, type Progress } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';
import { ModelLoadError } from './model-source.ts';

const BASE = 'mem://tiny';
const OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };
const STRONG: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 6, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } };
const REQ: GenerateRequest = { prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 2, guidance: 7.5, width: 128, height: 128, scheduler: 'euler', sa: OFF }; // 16×16 latents: at 8×8 the tiny U-Net's 1×1 bottom level makes GroupNorm ill-conditioned

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let files: SdPipelineFiles;
let gpu: LoadedSdModel;
// the CPU references, one model: the unsplit U-Net (SA off) and, on the same sessions, the split one
let cpuModel: Promise<CpuSdModel> | undefined;
const sharedCpu = () => (cpuModel ??= createCpuSdModel(files, { unsplit: true }));

beforeAll(async () => {
  const mem = buildPipeline('tiny', { attention: 'torch2', dtype: 'float32', seed: 1 });
  files = await loadSdPipeline(BASE, { fetchImpl: memoryFetch(mem, BASE) });
  const ort = await loadOrt(ortWasmDir());
  const { device } = await testGpuContext();
  gpu = await createSdModel(backendHost(ort, device), files, { id: 'tiny' });
});

afterAll(async () => {
  await gpu?.release();
  await (await cpuModel)?.release();
});

/** The same model with attention v3 in every site (made only for the test that uses it). */
async function modelWithV3(): Promise<LoadedSdModel> {
  const { device } = await testGpuContext();
  return createSdModel(backendHost(await loadOrt(ortWasmDir()), device), files, { id: 'tiny-v3', kernels: { attention: { version: 'v3' } } });
}

describe('fp16 models on an adapter without shader-f16 (SwiftShader)', () => {
  it('are refused up front with a typed error naming the feature and the fp16 files', async () => {
    const { device } = await testGpuContext();
    expect(device.features.has('shader-f16')).toBe(false); // the fp16 runs are in *.gpu-f16.test.ts (lavapipe)
    const base = 'mem://tiny16';
    const f16 = await loadSdPipeline(base, { fetchImpl: memoryFetch(buildPipeline('tiny', { attention: 'torch2', dtype: 'float16', ioDtype: 'float32', seed: 1 }), base) });
    const err = await createSdModel(backendHost(await loadOrt(ortWasmDir()), device), f16, { id: 'tiny16' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).kind).toBe('unsupported');
    expect((err as Error).message).toMatch(/float16 \(text_encoder\/model\.onnx, unet\/model\.onnx, vae_decoder\/model\.onnx.*shader-f16/);
  });
});

describe('generateImage on the GPU path (tiny, 128×128, CFG, Euler)', () => {
  let saOn: Float32Array;
  let saOnPixels: Uint8ClampedArray;

  // Latents start at σ_max ≈ 14.6 times unit noise and every step multiplies the U-Net's output by
  // Δσ, so fp32 differences between ORT's WebGPU and CPU kernels (~2.5e-5 per U-Net call) grow with
  // the latents' scale: the tolerance is relative to max |latents|, and the 8-bit images must agree.
  // the CPU reference of the SA-off cases, made once: the unsplit U-Net with step previews
  let cpuRef: Promise<{ ref: GenerateResult; previews: Progress[] }> | undefined;
  const sharedCpuRef = () => (cpuRef ??= (async () => {
    const previews: Progress[] = [];
    const ref = await generateImage(await sharedCpu(), { ...REQ, previews: true }, { onProgress: (p) => p.preview && previews.push(p) });
    return { ref, previews };
  })());
  it.each(['v2', 'v3'])('SA off, attention %s: latents equal the CPU pipeline with the unsplit U-Net ≤1e-4·max|x|; images and step previews within 1/255', async (version) => {
    const model = version === 'v3' ? await modelWithV3() : gpu;
    try {
      // every site's self-check ran (and passed) the kernel asked for: v3 on the subgroup path where
      // the shared device has subgroups (not SwiftShader's 4 lanes: device.ts ORT_SUBGROUP_MIN_SIZE)
      const kernels = model.info.kernels.checks.map((c) => (c.ok ? c.attention : `failed ${c.attention}`));
      const v3 = (await testGpuContext()).device.features.has('subgroups') ? 'v3/subgroup' : 'v3/workgroup';
      expect(new Set(kernels)).toEqual(new Set([version === 'v3' ? v3 : 'v2']));
      const { ref, previews: refPreviews } = await sharedCpuRef();
      const previews: Progress[] = [];
      const got = await generateImage(model, { ...REQ, previews: true }, { onProgress: (p) => p.preview && previews.push(p) });
      expect(got.timesteps).toEqual(ref.timesteps);
      const scale = Math.max(...Array.from(ref.latents!, Math.abs));
      expect(maxAbsDiff(got.latents!, ref.latents!)).toBeLessThanOrEqual(1e-4 * scale);
      expect(maxAbsDiff(got.image.data, ref.image.data)).toBeLessThanOrEqual(1);
      expect(previews.map((p) => [p.step, p.preview!.width, p.preview!.height])).toEqual([[1, 16, 16], [2, 16, 16]]);
      previews.forEach((p, k) => expect(maxAbsDiff(p.preview!.data, refPreviews[k].preview!.data)).toBeLessThanOrEqual(1));
      expect(model.unetRunner.live).toBe(0);
    } finally {
      if (model !== gpu) await model.release();
    }
  }, 600_000); // the v3 case also loads its model: 270 s on a loaded 2-core SwiftShader machine

  it('SA on: differs from SA off and equals the CPU reference (split + reference sites) ≤1e-3', async () => {
    const cpu = (await sharedCpu()).split;
    const ref = await generateImage(cpu, { ...REQ, sa: STRONG });
    const refOff = await generateImage(cpu, REQ);
    const got = await generateImage(gpu, { ...REQ, sa: STRONG });
    expect(maxAbsDiff(ref.latents!, refOff.latents!)).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(got.latents!, ref.latents!)).toBeLessThanOrEqual(1e-3);
    saOn = got.latents!;
    saOnPixels = got.image.data;
  });

  it('cancel during step 2 of 4 stops promptly; the next generation works and repeats pixels exactly', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    let abortedAt = 0;
    const p = generateImage(gpu, { ...REQ, steps: 4, sa: STRONG }, {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.stage === 'unet' && e.step === 1) {
          ac.abort();
          abortedAt = performance.now();
        }
      },
    });
    await expect(p).rejects.toBeInstanceOf(GenerationInterrupted);
    expect(abortedAt).toBeGreaterThan(t0);
    expect(gpu.unetRunner.live).toBe(0);
    const again = await generateImage(gpu, { ...REQ, sa: STRONG });
    expect(Array.from(again.latents!)).toEqual(Array.from(saOn));
    expect(Buffer.from(again.image.data).equals(Buffer.from(saOnPixels))).toBe(true);
  });
});
