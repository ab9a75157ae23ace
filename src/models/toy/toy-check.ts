// The toy model's accuracy check: every single-object prompt × seeds through the pipeline's own
// generation loop (`generateImage`), each image read back by scene-check. Used by
// scripts/toy-model/check.ts (writes the stored outputs) and by toy-check.test.ts (re-reads them
// and re-generates a few to prove they are the pipeline's). v2 (issue 22) adds two-object prompts
// in a relation (toyPairCases) and scores any list of (caption, image) against its bars (scoreToyResults).
import type { ImageRgba } from '../../image/rgba.ts';
import type { GenerateRequest, SchedulerName } from '../../params/request.ts';
import { generateImage, type SdModel } from '../../pipeline/sd-pipeline.ts';
import { DEFAULT_SA_PARAMS, type SaParams } from '../../sa/params.ts';
import { accuracy, readObjects, readScene, type Accuracy, type Expected, type RgbaLike, type SceneReading } from './scene-check.ts';
import { judgePair, pairAccuracy, type PairAccuracy, type PairExpected } from './scene-judge.ts';
import { fillCaption, modelCaption, parseCaption, type ToyVocabulary } from './vocabulary.ts';

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
        const caption = fillCaption(vocab.captionTemplates.single, { colour, shape, background }, vocab);
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

// ---- v2: pairs and the bars ----

/** A caption the toy vocabulary cannot say, or a check asked of a vocabulary without the words for it. */
export class ToyCheckError extends Error {
  override name = 'ToyCheckError';
}

export interface ToyPairCase {
  caption: string;
  seed: number;
  expected: PairExpected;
}

/** Object pairs per relation and background: every colour first once or twice, never beside itself; shapes rotate. */
const PAIRS_PER_CELL = 9;

/**
 * v2's two-object prompts: every relation × background × 9 plain object pairs (colours and shapes
 * rotating, the two colours always different) × seeds, in the form the model was trained on.
 */
export function toyPairCases(vocab: ToyVocabulary, seeds: readonly number[]): ToyPairCase[] {
  const relations = Object.keys(vocab.relations ?? {});
  if (!relations.length || !vocab.sceneTemplates?.pair) throw new ToyCheckError('This toy vocabulary has no relations (v1?): it has no pair cases.');
  const colours = Object.keys(vocab.colours);
  const { shapes } = vocab;
  const out: ToyPairCase[] = [];
  for (const [r, relation] of relations.entries()) {
    for (const [b, background] of Object.keys(vocab.backgrounds).entries()) {
      for (let k = 0; k < PAIRS_PER_CELL; k++) {
        const i = (k + r + b) % colours.length;
        const j = (i + 1 + ((k + r) % (colours.length - 1))) % colours.length; // ≠ i
        const first = { colour: colours[i], shape: shapes[k % shapes.length] };
        const second = { colour: colours[j], shape: shapes[(k + 1 + r + b) % shapes.length] };
        const caption = modelCaption(vocab, { ...first, colour2: second.colour, shape2: second.shape, background, relation });
        for (const seed of seeds) out.push({ caption, seed, expected: { background, objects: [first, second], relation } });
      }
    }
  }
  return out;
}

/** Issue 22's bars: single objects (background, colour, shape) and pairs (both present in the right colours; relation). */
export const TOY_BARS = {
  single: { background: 0.95, colour: 0.95, shape: 0.85 },
  pair: { colours: 0.8, relation: 0.7 },
} as const;

export interface ToyResult {
  caption: string;
  image: RgbaLike;
}

export interface ToyBarResult {
  bar: string;
  value: number;
  min: number;
  /** measured on this many images (0: not measured, never met) */
  n: number;
  met: boolean;
}

export interface ToyScore {
  single: Accuracy;
  pair: PairAccuracy;
  bars: ToyBarResult[];
  /** every bar met */
  met: boolean;
}

/**
 * Scores generated images by their captions: each caption is parsed (one of the vocabulary's forms;
 * anything else is a ToyCheckError), single objects read by readScene, pairs by readObjects +
 * judgePair, then compared with TOY_BARS. A bar with no image of its kind is not met.
 */
export function scoreToyResults(results: readonly ToyResult[], vocab: ToyVocabulary): ToyScore {
  const singles: { expected: Expected; read: SceneReading }[] = [];
  const pairs: ReturnType<typeof judgePair>[] = [];
  for (const { caption, image } of results) {
    const asked = parseCaption(caption, vocab);
    if (!asked) throw new ToyCheckError(`"${caption}" is not one of this toy vocabulary's captions.`);
    if (asked.kind === 'pair') {
      if (!asked.relation) throw new ToyCheckError(`"${caption}": this vocabulary's pairs have no relation (v1?), so they cannot be scored.`);
      pairs.push(judgePair({ background: asked.background, objects: asked.objects, relation: asked.relation }, readObjects(image, vocab), vocab));
    } else singles.push({ expected: { background: asked.background, colour: asked.object.colour, shape: asked.object.shape }, read: readScene(image, vocab) });
  }
  const single = accuracy(singles);
  const pair = pairAccuracy(pairs);
  const bars: ToyBarResult[] = [
    ...Object.entries(TOY_BARS.single).map(([k, min]) => ({ bar: `single ${k}`, value: single[k as keyof typeof TOY_BARS.single], min, n: single.n })),
    ...Object.entries(TOY_BARS.pair).map(([k, min]) => ({ bar: `pair ${k}`, value: pair[k as keyof typeof TOY_BARS.pair], min, n: pair.n })),
  ].map((b) => ({ ...b, met: b.n > 0 && b.value >= b.min }));
  return { single, pair, bars, met: bars.every((b) => b.met) };
}
