// Every registry model's exact form (src/models/replicas.ts), served under its real repository's URL
// layout and loaded through the registry's entry (file names, tokenizer source, preflight), then
// generated on onnxruntime-web fp16 with our native-f16 SA sites (Mesa 25 lavapipe): SA on differs
// from SA off, and SA off equals the fp32 reference (the same weights in fp32 on onnxruntime-node)
// within the fp16 tolerance of fp16-pipeline.gpu-f16.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../gpu/kernels/check.ts';
import { buildReplica, replicaReference, REPLICA_IDS, type ReplicaId } from '../models/replicas.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../sa/index.ts';
import { loadOrt, type Ort } from '../gpu/ort.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { testGpuContext } from '../gpu/testing/with-gpu-device.ts';
import { loadSdPipeline, type SdPipelineFiles } from './load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from './sd-model.ts';
import { devicePreflight } from './preflight.ts';
import { backendHost } from '../gpu/runtime.ts';
import { generateImage } from './sd-pipeline.ts';
import { createCpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import { MODEL_REGISTRY, type ModelEntry } from './registry.ts';
import type { GenerateResult } from './engine.ts';
import type { GenerateRequest } from '../params/request.ts';

const OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };
const STRONG: SaParams = { ...DEFAULT_SA_PARAMS, time_decay: 0, in: { ...DEFAULT_SA_PARAMS.in, strength: 9 }, out: { ...DEFAULT_SA_PARAMS.out, strength: 6, mode: '2D_MAX', k_blend: 0.5, v_blend: 0.5 } };
// fp16 against fp32 (fp16-pipeline.gpu-f16.test.ts: measured 2.7e-2·max|latents|, 7/255 there)
const LATENT_TOL = 4e-2;
const PIXEL_TOL = 10;

const maxAbs = (x: ArrayLike<number>) => Math.max(...Array.from(x, Math.abs));

/** A fetch that serves several repositories, each under its base URL. */
function reposFetch(repos: [string, Map<string, Uint8Array>][]): typeof fetch {
  const fetches = repos.map(([base, files]) => [base, memoryFetch(files, base)] as const);
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const hit = fetches.find(([base]) => url.startsWith(base + '/'));
    return hit ? hit[1](input) : new Response('not found', { status: 404 });
  }) as typeof fetch;
}

const HF = 'https://huggingface.co';

let ort: Ort;
let device: GPUDevice;
beforeAll(async () => {
  ort = await loadOrt(ortWasmDir());
  ({ device } = await testGpuContext());
});

describe.each(REPLICA_IDS.map((id) => [id]))('replica of %s', (id: ReplicaId) => {
  const entry = MODEL_REGISTRY.find((e) => e.id === id) as ModelEntry;
  const replica = buildReplica(id);
  const req: GenerateRequest = {
    prompt: 'a red circle', negativePrompt: '', seed: 3, steps: 2, width: 128, height: 128, sa: OFF,
    guidance: entry.defaults.guidance, scheduler: entry.defaults.scheduler,
  };
  let files: SdPipelineFiles;
  let model: LoadedSdModel;
  let off: GenerateResult;

  beforeAll(async () => {
    const repos: [string, Map<string, Uint8Array>][] = [[entry.base, replica.files]];
    if (replica.tokenizer) repos.push([`${HF}/${replica.tokenizer.repo}/resolve/main`, replica.tokenizer.files]);
    files = await loadSdPipeline(entry.base, { fetchImpl: reposFetch(repos), layout: entry.layout, tokenizerBase: entry.tokenizerBase, preflight: devicePreflight({ shaderF16: device.features.has('shader-f16') }) });
    model = await createSdModel(backendHost(ort, device), files, { id });
  });
  afterAll(async () => model?.release());

  it('loads from the real URL layout through the registry entry; every site runs f16-native', () => {
    expect(entry.base).toContain(replica.facts.repo);
    expect(entry.needs.shaderF16).toBe(true);
    expect(entry.form?.replica).toBe(true);
    expect(model.info.dtype).toBe('float16');
    expect(new Set(model.info.kernels.variants)).toEqual(new Set(['f16-native']));
    expect(model.info.sites).toHaveLength(16);
  });

  it('SA off equals the fp32 reference within the fp16 tolerance; strong SA changes the image', async () => {
    off = await generateImage(model, req);
    const on = await generateImage(model, { ...req, sa: STRONG });
    const refFiles = await loadSdPipeline('mem://ref', { fetchImpl: memoryFetch(replicaReference(id), 'mem://ref') });
    const cpu = await createCpuSdModel(refFiles, { unsplit: true });
    const ref = await generateImage(cpu, req);
    await cpu.release();
    expect(off.timesteps).toEqual(ref.timesteps);
    expect(Array.from(off.latents!).every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(off.latents!, ref.latents!)).toBeLessThanOrEqual(LATENT_TOL * maxAbs(ref.latents!));
    expect(maxAbsDiff(off.image.data, ref.image.data)).toBeLessThanOrEqual(PIXEL_TOL);
    expect(maxAbsDiff(on.latents!, off.latents!)).toBeGreaterThan(2 * maxAbsDiff(off.latents!, ref.latents!));
  });
});
