// The generation loop on the CPU reference backend (onnxruntime-node): every scheduler, img2img and
// the second pass produce finite images of the right size; seeds behave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline } from '../models/pipeline.ts';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import { loadSdPipeline } from './load-pipeline.ts';
import { generateImage, type SdModel } from './sd-pipeline.ts';
import { createCpuSdModel } from './testing/cpu-backend.ts';
import { memoryFetch } from './testing/memory-fetch.ts';
import { SCHEDULER_NAMES, type GenerateRequest } from '../params/request.ts';
import type { ImageRgba } from '../image/rgba.ts';
import type { Progress } from './engine.ts';
import { latentToRgba, SD_LATENT_RGB } from '../image/latent-preview.ts';

const REQ: GenerateRequest = { prompt: 'a blue square', negativePrompt: 'blurry', seed: 5, steps: 2, guidance: 7.5, width: 128, height: 128, scheduler: 'euler', sa: DEFAULT_SA_PARAMS };

let model: SdModel & { release(): Promise<void> };
beforeAll(async () => {
  const files = await loadSdPipeline('mem://tiny', { fetchImpl: memoryFetch(buildPipeline('tiny', { attention: 'torch2', dtype: 'float32', seed: 1 }), 'mem://tiny') });
  model = await createCpuSdModel(files);
});
afterAll(() => model?.release());

function mean(img: ImageRgba): number {
  let s = 0;
  for (let i = 0; i < img.data.length; i += 4) s += img.data[i] + img.data[i + 1] + img.data[i + 2];
  return s / ((img.data.length / 4) * 3);
}

describe('generateImage (CPU reference backend, tiny 128²)', () => {
  it.each(SCHEDULER_NAMES.map((s) => [s]))('%s: finite latents, a 128² image', async (scheduler) => {
    const r = await generateImage(model, { ...REQ, scheduler });
    expect(r.latents!.every(Number.isFinite)).toBe(true);
    expect([r.image.width, r.image.height, r.image.data.length]).toEqual([128, 128, 128 * 128 * 4]);
    expect(r.timesteps).toHaveLength(2);
    expect(new Set(r.image.data).size).toBeGreaterThan(8); // not a flat image
  });

  it('img2img: starts mid-schedule from the encoded image', async () => {
    const data = new Uint8ClampedArray(96 * 80 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    const r = await generateImage(model, { ...REQ, steps: 4, init: { image: { width: 96, height: 80, data }, strength: 0.5 } });
    expect(r.timesteps.length).toBe(2); // half of 4 steps
    expect(r.timesteps[0]).toBeLessThan(999);
    expect(r.latents!.every(Number.isFinite)).toBe(true);
  });

  it('second pass: upscales ×1.5 and runs its own steps', async () => {
    const r = await generateImage(model, { ...REQ, steps: 1, hires: { scale: 1.5, denoise: 0.5, steps: 2, sa: DEFAULT_SA_PARAMS } });
    expect([r.image.width, r.image.height]).toEqual([192, 192]);
    expect(r.latents!.every(Number.isFinite)).toBe(true);
  });

  it('step previews: one latent-sized x₀ picture per U-Net step when asked (the last one is the final latents), none otherwise', async () => {
    const seen: Progress[] = [];
    const r = await generateImage(model, { ...REQ, steps: 3, previews: true }, { onProgress: (p) => seen.push(p) });
    const unet = seen.filter((p) => p.stage === 'unet');
    expect(unet.map((p) => [p.step, p.preview?.width, p.preview?.height])).toEqual([1, 2, 3].map((s) => [s, 16, 16]));
    expect(seen.filter((p) => p.stage !== 'unet').some((p) => p.preview)).toBe(false);
    // Euler's last step lands on its x₀ estimate: the last preview is the final latents' picture
    expect(model.latentRgb).toBe(SD_LATENT_RGB); // the tiny test model's config has no fit of its own
    expect(Array.from(unet[2].preview!.data)).toEqual(Array.from(latentToRgba(r.latents!, 16, 16, SD_LATENT_RGB).data));
    expect(unet[0].preview!.data).not.toEqual(unet[2].preview!.data);
    const plain: Progress[] = [];
    await generateImage(model, { ...REQ, steps: 2 }, { onProgress: (p) => plain.push(p) });
    expect(plain.some((p) => 'preview' in p)).toBe(false);
  });

  it('the same seed repeats the image; another seed changes it', async () => {
    const a = await generateImage(model, { ...REQ, steps: 1 });
    const b = await generateImage(model, { ...REQ, steps: 1 });
    const c = await generateImage(model, { ...REQ, steps: 1, seed: 6 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(mean(a.image)).not.toBe(mean(c.image));
  });
});
