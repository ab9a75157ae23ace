// The toy model's step previews through the app's generation loop (CPU backend, the app's defaults):
// with the model's own latent→RGB fit (vae_decoder/config.json) the picture forming reads, by the
// scene reader of the toy model's check, as the colours the prompt asks for from the first step;
// SD 1.x's factors, made for another VAE, do not.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFetch, modelBase } from '../../cli/file-fetch.ts';
import { loadSdPipeline } from '../../pipeline/load-pipeline.ts';
import { createCpuSdModel } from '../../pipeline/testing/cpu-backend.ts';
import { generateImage, type SdModel } from '../../pipeline/sd-pipeline.ts';
import { EMBEDDED_DEFAULTS } from '../../params/model-defaults.ts';
import { DEFAULT_SA_PARAMS } from '../../sa/index.ts';
import { latentToRgba, SD_LATENT_RGB } from '../../image/latent-preview.ts';
import { resizeRgba } from '../../image/resize.ts';
import type { ImageRgba } from '../../image/rgba.ts';
import { readScene } from './scene-check.ts';
import type { ToyVocabulary } from './vocabulary.ts';

const vocab = JSON.parse(readFileSync('public/models/toy/slothful_toy.json', 'utf8')) as ToyVocabulary;
let model: SdModel & { release(): Promise<void> };
beforeAll(async () => {
  model = await createCpuSdModel(await loadSdPipeline(modelBase('public/models/toy'), { fetchImpl: fileFetch() }));
});
afterAll(() => model?.release());

/** background and object colour of a preview, scaled up to the image size as the app shows it */
const colours = (p: ImageRgba) => {
  const r = readScene(resizeRgba(p, p.width * 8, p.height * 8), vocab);
  return { background: r.background, colour: r.colour };
};

describe('toy model: step previews', () => {
  it.each([
    ['red', 'white'],
    ['blue', 'black'],
  ])('a %s circle on a %s background: the preview of every step shows those colours; SD factors would not', async (colour, background) => {
    const previews: ImageRgba[] = [];
    const req = { ...EMBEDDED_DEFAULTS, prompt: `a ${colour} circle on a ${background} background`, negativePrompt: '', seed: 1, sa: DEFAULT_SA_PARAMS, previews: true };
    const r = await generateImage(model, req, { onProgress: (p) => p.preview && previews.push(p.preview) });
    expect(previews).toHaveLength(EMBEDDED_DEFAULTS.steps);
    for (const p of previews) expect(colours(p)).toEqual({ background, colour });
    expect(colours(latentToRgba(r.latents!, 16, 16, SD_LATENT_RGB))).not.toEqual({ background, colour });
  });
});
