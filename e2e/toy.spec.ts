// The embedded default, the trained toy model, in Chromium (WebGPU on SwiftShader): two prompts
// built with the prompt helper and generated with the app's defaults (our SA kernels on, default
// SA, seed 1). The image on screen is read back by the same scene reader as the toy model's
// accuracy check and must (1) show what the prompt asks for (colour, shape, background) and (2)
// read exactly as the stored CPU check read the same request (scripts/toy-model/check/default.json),
// i.e. the browser draws what the pipeline on onnxruntime-node drew. The check itself (all 54
// prompts × 2 seeds) is what measures the model. The first generation also shows its step previews
// (on by default): one appears in the image area while it runs, and none is left once it is done.
import { readFileSync } from 'node:fs';
import { readScene, type SceneReading } from '../src/models/toy/scene-check.ts';
import { fillCaption, type ToyVocabulary } from '../src/models/toy/vocabulary.ts';
import { test, expect } from './fixture.ts';

test.setTimeout(900_000);

const vocab = JSON.parse(readFileSync('public/models/toy/slothful_toy.json', 'utf8')) as ToyVocabulary;
const check = JSON.parse(readFileSync('scripts/toy-model/check/default.json', 'utf8')) as {
  settings: { seeds: number[]; steps: number; guidance: number; scheduler: string };
  entries: { caption: string; seed: number; expected: { colour: string; shape: string; background: string }; read: SceneReading }[];
};
const PROMPTS: [string, string, string][] = [
  ['red', 'circle', 'white'],
  ['purple', 'square', 'black'],
];

test('toy model: the prompt helper builds two prompts; step previews show while the first is made; the images show what they ask for, as the CPU check drew them', async ({ app, page }) => {
  await app.open();
  expect((await app.gpuSettled()).kind).toBe('ready');
  await expect(page.getByTestId('prompt-helper')).toBeVisible();
  const gen = await app.state((s) => s.params.gen);
  const { steps, guidance, scheduler } = check.settings;
  expect(gen).toMatchObject({ model: 'toy', width: 128, height: 128, seed: check.settings.seeds[0], steps, guidance, scheduler });

  for (const [colour, shape, background] of PROMPTS) {
    for (const [key, word] of [['colour', colour], ['shape', shape], ['background', background]]) await page.getByTestId(`word-${key}-${word}`).click();
    // the prompt is one of the helper's captions, so each chip edits it directly
    const caption = fillCaption(vocab.captionTemplates.single, { colour, shape, background });
    await expect(page.getByTestId('gen-prompt')).toHaveValue(caption);
    const run = app.generate();
    if (colour === PROMPTS[0][0]) {
      // a latent-sized (16×16) preview of a step, scaled up in place of the image, while the U-Net runs
      await expect(page.getByTestId('step-preview')).toBeVisible({ timeout: 300_000 });
      expect(await page.getByTestId('step-preview').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([16, 16]);
      await expect(page.getByTestId('step-preview-caption')).toContainText(new RegExp(`Step \\d+/${steps}`));
    }
    expect(await run).toBe('done');
    await expect(page.getByTestId('step-preview')).toHaveCount(0);
    expect(await app.state((s) => s.stepPreview)).toBeNull();
    const pixels = await page.getByTestId('main-image').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      return { width: d.width, height: d.height, data: Array.from(d.data) };
    });
    const read = readScene(pixels, vocab);
    const cpu = check.entries.find((e) => e.caption === caption && e.seed === check.settings.seeds[0])!;
    console.log(`"${caption}" → browser: ${read.colour} ${read.shape} on ${read.background}; CPU check: ${cpu.read.colour} ${cpu.read.shape} on ${cpu.read.background}`);
    expect({ colour: read.colour, shape: read.shape, background: read.background }).toEqual({ colour, shape, background });
    expect({ colour: read.colour, shape: read.shape, background: read.background }).toEqual({ colour: cpu.read.colour, shape: cpu.read.shape, background: cpu.read.background });
  }
});
