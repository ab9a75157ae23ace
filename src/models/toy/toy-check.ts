// The toy model's accuracy check: every single-object prompt × seeds through the pipeline's own
// generation loop (`generateImage`), each image read back by scene-check. Used by
// scripts/toy-model/check.ts (writes the stored outputs) and by toy-check.test.ts (re-reads them
// and re-generates a few to prove they are the pipeline's).
import type { ImageRgba } from '../../image/rgba.ts';
import type { GenerateRequest, SchedulerName } from '../../params/request.ts';
import { generateImage, type SdModel } from '../../pipeline/sd-pipeline.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../../sa/params.ts';
import { readScene, type Expected, type SceneReading } from './scene-check.ts';
import { fillCaption, type ToyVocabulary } from './vocabulary.ts';

export interface ToyCheckSettings {
  seeds: number[];
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  size: number;
  /** SA off (the model's own drawing) or the given parameters */
  sa: SaParams;
}

export interface ToyCheckCase {
  caption: string;
  seed: number;
  expected: Expected;
}

export interface ToyCheckEntry extends ToyCheckCase {
  read: SceneReading;
}

export const SA_OFF: SaParams = { ...DEFAULT_SA_PARAMS, enabled: false };

/** Every single-object prompt (no position) × seed, in a fixed order. */
export function toyCheckCases(vocab: ToyVocabulary, seeds: readonly number[]): ToyCheckCase[] {
  const out: ToyCheckCase[] = [];
  for (const background of Object.keys(vocab.backgrounds)) {
    for (const colour of Object.keys(vocab.colours)) {
      for (const shape of vocab.shapes) {
        const caption = fillCaption(vocab.captionTemplates.single, { colour, shape, background });
        for (const seed of seeds) out.push({ caption, seed, expected: { background, colour, shape } });
      }
    }
  }
  return out;
}

export function toyCheckRequest(c: ToyCheckCase, s: ToyCheckSettings): GenerateRequest {
  return { prompt: c.caption, negativePrompt: '', seed: c.seed, steps: s.steps, guidance: s.guidance, width: s.size, height: s.size, scheduler: s.scheduler, sa: s.sa };
}

export async function generateToyCase(model: SdModel, c: ToyCheckCase, s: ToyCheckSettings): Promise<ImageRgba> {
  return (await generateImage(model, toyCheckRequest(c, s))).image;
}

/** Runs every case; `onImage` sees each image (to store it). */
export async function runToyCheck(
  model: SdModel,
  vocab: ToyVocabulary,
  s: ToyCheckSettings,
  onImage?: (i: number, img: ImageRgba, e: ToyCheckEntry) => void,
): Promise<ToyCheckEntry[]> {
  const entries: ToyCheckEntry[] = [];
  for (const [i, c] of toyCheckCases(vocab, s.seeds).entries()) {
    const img = await generateToyCase(model, c, s);
    const e = { ...c, read: readScene(img, vocab) };
    entries.push(e);
    onImage?.(i, img, e);
  }
  return entries;
}
