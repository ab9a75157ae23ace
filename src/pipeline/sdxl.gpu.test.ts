// SDXL on the GPU path (ORT WebGPU on Dawn/SwiftShader + our SA kernels) with the synthetic
// `tiny-xl` pipeline (two text encoders, the U-Net's text_embeds and time_ids, SDXL's depth pattern):
// SA off equals onnxruntime-node with the unsplit U-Net; SA on differs and equals the CPU split
// reference; the CLI's generate on the folder gives the same pixels. 64² images, 2 Euler steps,
// CFG with an empty negative prompt (zero negatives, as diffusers' SDXL pipeline).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline, writePipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS, saParamsToJson, type SaParams } from '../sa/index.ts';
import { loadOrt } from '../gpu/ort.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { testGpuContext } from '../gpu/testing/with-gpu-device.ts';
import { backendHost } from '../gpu/runtime.ts';
import { encodePng, walkPngChunks } from '../image/png.ts';
import { memoryIo } from '../cli/io.ts';
import { runCli } from '../cli/run.ts';
import { loadSdPipeline, type SdPipelineFiles } from './load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { generateImage } from './sd-pipeline.ts';
import { createCpuSdModel, type CpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import type { GenerateRequest } from '../params/request.ts';
import type { GenerateResult } from './engine.ts';

const BASE = 'mem://tiny-xl';
const OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };
const STRONG: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 6, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } };
const REQ: GenerateRequest = { prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 2, guidance: 5, width: 64, height: 64, scheduler: 'euler', sa: OFF };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) || (a[i] === b[i] ? 0 : Infinity));
  return m;
}

/** The concatenated IDAT bytes: the pixels of a PNG without its text chunks. */
function idat(png: Uint8Array): Buffer {
  return Buffer.concat(walkPngChunks(png).chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
}

const tmp = mkdtempSync(join(tmpdir(), 'slothful-sdxl-gpu-'));
let files: SdPipelineFiles;
let gpu: LoadedSdModel;
/** onnxruntime-node: the unsplit U-Net (SA off reference) and, as `.split`, the CPU reference sites */
let cpu: CpuSdModel;

beforeAll(async () => {
  files = await loadSdPipeline(BASE, { fetchImpl: memoryFetch(buildPipeline('tiny-xl', { attention: 'torch2', dtype: 'float32', seed: 1 }), BASE) });
  const { device } = await testGpuContext();
  gpu = await createSdModel(backendHost(await loadOrt(ortWasmDir()), device), files, { id: 'tiny-xl' });
  cpu = await createCpuSdModel(files, { unsplit: true });
});

afterAll(async () => {
  await gpu?.release();
  await cpu?.release();
  rmSync(tmp, { recursive: true, force: true });
});

describe('SDXL (tiny-xl) on the GPU path, 64², 2 steps, CFG with zero negatives', () => {
  let saOn: GenerateResult;

  it('loads as SDXL: two encoders, the added conditions, 1024² defaults', () => {
    expect(files.textEncoder2?.path).toBe('text_encoder_2/model.onnx');
    expect(gpu.unet?.sdxl?.timeIdsDim).toBe(6);
    expect(gpu.sdxl?.hiddenOutputs[1]).toMatch(/^hidden_states\.\d+$/);
    expect(gpu.scalingFactor).toBe(0.13025);
    expect([gpu.info.defaults.width, gpu.info.defaults.guidance]).toEqual([1024, 5]);
  });

  it('SA off: latents equal the CPU pipeline with the unsplit U-Net (onnxruntime-node) ≤1e-4·max|x|; pixels within 1/255', async () => {
    const ref = await generateImage(cpu, REQ);
    const got = await generateImage(gpu, REQ);
    expect(got.timesteps).toEqual(ref.timesteps);
    const scale = Math.max(...Array.from(ref.latents!, Math.abs));
    expect(maxAbsDiff(got.latents!, ref.latents!)).toBeLessThanOrEqual(1e-4 * scale);
    expect(maxAbsDiff(got.image.data, ref.image.data)).toBeLessThanOrEqual(1);
    expect(gpu.unetRunner.live).toBe(0);
  });

  it('SA on: differs from SA off and equals the CPU split reference (reference sites) ≤1e-3·max|x|', async () => {
    const ref = await generateImage(cpu.split, { ...REQ, sa: STRONG });
    const refOff = await generateImage(cpu.split, REQ);
    saOn = await generateImage(gpu, { ...REQ, sa: STRONG });
    const scale = Math.max(...Array.from(ref.latents!, Math.abs));
    expect(maxAbsDiff(ref.latents!, refOff.latents!)).toBeGreaterThan(1e-2 * scale);
    expect(maxAbsDiff(saOn.latents!, ref.latents!)).toBeLessThanOrEqual(1e-3 * scale);
  });

  it('CLI generate on the tiny-xl folder, SA on: the same pixels as the pipeline', async () => {
    const dir = join(tmp, 'tiny-xl');
    await writePipeline(dir, 'tiny-xl', { attention: 'torch2', dtype: 'float32', seed: 1 });
    const out = join(tmp, 'on.png');
    const io = memoryIo();
    const argv = ['generate', '--model', dir, '--prompt', REQ.prompt, '--negative', '', '--size', '64x64', '--steps', '2', '--guidance', '5', '--scheduler', 'euler', '--seed', '3', '--sa', saParamsToJson(STRONG), '--out', out];
    const code = await runCli(argv, io);
    expect(code, io.lines.join('\n')).toBe(0);
    expect(io.lines.join('\n')).toMatch(/model: .*tiny-xl .*attn1 sites/);
    const want = await encodePng(saOn.image.data, 64, 64);
    expect(idat(readFileSync(out)).equals(idat(want))).toBe(true);
  });
});
