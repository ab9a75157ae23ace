// `lab`: renders every variant of lab-plan.ts for each prompt and seed on one model load, measures
// each image against SA off with the same seed (lab-measure.ts), judges the author's observations
// and writes DIR/report.json and DIR/report.html. The model comes from a LabLoader: the GPU one
// (the CLI) or, in tests, the onnxruntime-node reference (src/cli/lab.test.ts). Import after nodeGpu().
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ssim } from '../image/metrics.ts';
import { encodePng } from '../image/png.ts';
import type { ImageRgba } from '../image/rgba.ts';
import { readScene, type ScenePalettes } from '../models/toy/scene-check.ts';
import { parseToyVocabulary } from '../models/toy/vocabulary.ts';
import { DEFAULT_GEN_PARAMS, type ParamSet } from '../params/gen-params.ts';
import { saParamsToJson } from '../sa/index.ts';
import { CliUsageError, paramSetFrom, type LabArgs } from './args.ts';
import { describeTimings, renderImage } from './render.ts';
import type { SdModel } from '../pipeline/sd-pipeline.ts';
import { isRemote } from './file-fetch.ts';
import { printNotices, type CliIo } from './io.ts';
import { labReportHtml } from './lab-html.ts';
import { measureRun, type SceneSummary } from './lab-measure.ts';
import { baselineOf, LAB_IMG2IMG_DENOISE, labVariants, type LabVariant } from './lab-plan.ts';
import { buildLabReport, type LabReport, type LabRun, type LabSettings } from './lab-report.ts';

/** The key comparisons shown as images in report.html. */
const SHOWN = ['off', 'default', 'dd=0', 'td=0', 'in-only', 'out-only', 'v-avg=1', 'v-max=1', 'max-strong', 'i2i-off', 'i2i-default'];

/** The toy model's palettes when the folder has its vocabulary (slothful_toy.json), for the scene reader. */
function toyPalettes(model: string, io: CliIo): ScenePalettes | undefined {
  const path = join(model, 'slothful_toy.json');
  if (isRemote(model) || !existsSync(path)) return undefined;
  const vocab = parseToyVocabulary(JSON.parse(readFileSync(path, 'utf8')));
  if (!vocab) io.err(`notice: ${path} is not a toy vocabulary; no scene reading`);
  return vocab ?? undefined;
}

/** Prompts used when none are given: the toy model's own caption form, else the app's default prompt. */
const TOY_PROMPTS = ['a red circle on a white background', 'a blue square on a black background', 'a yellow triangle on a gray background'];

/** --prompt values, or --prompts FILE's lines (blank lines and # comments skipped), or the defaults. */
export function labPrompts(a: Pick<LabArgs, 'prompts' | 'promptsFile'>, io: Pick<CliIo, 'readText'>, toy: boolean): string[] {
  if (a.promptsFile !== undefined) {
    const lines = io.readText(a.promptsFile).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    if (!lines.length) throw new CliUsageError(`--prompts ${a.promptsFile} has no prompts (one a line; # starts a comment).`);
    return lines;
  }
  if (a.prompts.length) return a.prompts;
  return toy ? TOY_PROMPTS : [DEFAULT_GEN_PARAMS.prompt];
}

/** The lab's base parameters: the model's defaults with --size/--steps…; --quick makes it small. */
function labBase(a: LabArgs, io: CliIo, toy: boolean): { set: ParamSet; settings: LabSettings } {
  const quick = a.quick;
  const size = a.size ?? (quick ? { width: 64, height: 64 } : undefined);
  const steps = a.steps ?? (quick ? 2 : undefined); // 2: img2img at denoise 0.6 needs ⌊steps·0.6⌋ ≥ 1
  const prompts = labPrompts(a, io, toy);
  const seeds = quick ? a.seeds.slice(0, 1) : a.seeds;
  const { set, notices } = paramSetFrom({ command: 'generate', model: a.model, tokenizer: a.tokenizer, out: a.out, prompt: prompts[0], size, steps, guidance: a.guidance, scheduler: a.scheduler }, io.readText);
  printNotices(io, notices);
  const g = set.gen;
  if (Math.trunc(g.steps * LAB_IMG2IMG_DENOISE) < 1) throw new CliUsageError(`lab: ${g.steps} step(s) leave the img2img variants (denoise ${LAB_IMG2IMG_DENOISE}) no step; use --steps 2 or more.`);
  const settings: LabSettings = { width: g.width, height: g.height, steps: g.steps, scheduler: g.scheduler, guidance: g.guidance, seeds, prompts: quick ? prompts.slice(0, 1) : prompts, img2imgDenoise: LAB_IMG2IMG_DENOISE, quick };
  return { set: { ...set, gen: { ...g, denoise: LAB_IMG2IMG_DENOISE } }, settings };
}

const cacheKey = (v: LabVariant) => `${v.img2img}|${saParamsToJson(v.sa)}`;

type Pending = Omit<LabRun, 'metrics'> & { timeMs: number };
const imageKey = (prompt: string, seed: number, variant: string) => `${seed}\u0000${prompt}\u0000${variant}`;

/** Every variant for every prompt and seed; settings already rendered for this prompt and seed are reused. */
async function renderVariants(model: SdModel, base: ParamSet, settings: LabSettings, variants: readonly LabVariant[], io: CliIo): Promise<{ images: Map<string, ImageRgba>; pending: Pending[] }> {
  const images = new Map<string, ImageRgba>();
  const pending: Pending[] = [];
  if (!settings.quick) await renderImage(model, { gen: { ...base.gen, seed: settings.seeds[0] }, sa: variants[0].sa }, io, { logSteps: false }); // warm-up: first-use compiles stay out of the timings
  for (const prompt of settings.prompts) {
    for (const seed of settings.seeds) {
      const rendered = new Map<string, { image: ImageRgba; timeMs: number; variant: string }>();
      const gen = { ...base.gen, prompt, seed };
      for (const v of variants) {
        const key = cacheKey(v);
        let r = v.rerender ? undefined : rendered.get(key);
        const sameAs = r?.variant;
        if (!r) {
          const init = v.img2img ? images.get(imageKey(prompt, seed, 'off')) : undefined; // 'off' comes first in the plan
          const out = await renderImage(model, { gen, sa: v.sa }, io, { init, logSteps: false });
          r = { image: out.image, timeMs: out.timings.total, variant: v.id };
          if (!rendered.has(key)) rendered.set(key, r);
          io.log(`  seed ${seed} ${v.id}: ${describeTimings(out.timings)}`);
        }
        images.set(imageKey(prompt, seed, v.id), r.image);
        pending.push({ variant: v.id, prompt, seed, img2img: v.img2img, sa: v.sa, ...(sameAs ? { sameAs } : {}), timeMs: r.timeMs });
      }
    }
  }
  return { images, pending };
}

/** report.json and report.html (with the key images of the first prompt and seed) into `dir`. */
async function writeReport(dir: string, report: LabReport, variants: readonly LabVariant[], images: Map<string, ImageRgba>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 1));
  const shown = [];
  for (const id of SHOWN) {
    const img = images.get(imageKey(report.images.prompt, report.images.seed, id));
    const v = variants.find((k) => k.id === id);
    if (img && v) shown.push({ variant: id, label: v.label, dataUrl: `data:image/png;base64,${Buffer.from(await encodePng(img.data, img.width, img.height)).toString('base64')}` });
  }
  writeFileSync(join(dir, 'report.html'), await labReportHtml(report, shown));
}

/** What the lab renders with: a model (with its VAE encoder when it has one for the img2img variants). */
export type LabLoader = (a: LabArgs, modelId: string, io: CliIo) => Promise<SdModel & { release(): Promise<void> }>;

/** The CLI's loader: every session on the GPU (Dawn in Node). */
export const gpuLabLoader: LabLoader = async (a, modelId, io) => (await import('./generate.ts')).loadModelOnGpu(a.model, a.tokenizer, modelId, io, a.f16Path, { withVaeEncoder: true });

export async function labCommand(a: LabArgs, io: CliIo, load: LabLoader = gpuLabLoader): Promise<LabReport> {
  const palettes = toyPalettes(a.model, io);
  const { set: base, settings } = labBase(a, io, palettes !== undefined);
  const model = await load(a, base.gen.model, io);
  let variants = labVariants(settings.quick);
  let rendered: Awaited<ReturnType<typeof renderVariants>>;
  try {
    if (!model.backend.hasVaeEncoder) {
      io.err('notice: the model has no VAE encoder (vae_encoder/model.onnx): the img2img variants are left out');
      variants = variants.filter((v) => !v.img2img);
    }
    io.log(`lab: ${variants.length} variants × ${settings.seeds.length} seeds × ${settings.prompts.length} prompts at ${settings.width}x${settings.height}, ${settings.steps} steps${palettes ? '; toy scene reader on' : ''}`);
    rendered = await renderVariants(model, base, settings, variants, io);
  } finally {
    await model.release();
  }
  const { images, pending } = rendered;
  const scene = (img: ImageRgba): SceneSummary | undefined => {
    if (!palettes) return undefined;
    const s = readScene(img, palettes);
    return { colour: s.colour, shape: s.shape, area: s.area };
  };
  const runs: LabRun[] = pending.map(({ timeMs, ...r }) => {
    const img = images.get(imageKey(r.prompt, r.seed, r.variant))!;
    const baseImg = images.get(imageKey(r.prompt, r.seed, baselineOf(r)))!;
    const [sr, sb] = [scene(img), scene(baseImg)];
    return { ...r, metrics: measureRun(img, baseImg, timeMs, sr && sb ? { run: sr, base: sb } : undefined), ...(sr ? { scene: sr } : {}) };
  });
  const gap = (prompt: string, seed: number, v1: string, v2: string) => {
    const [x, y] = [images.get(imageKey(prompt, seed, v1)), images.get(imageKey(prompt, seed, v2))];
    return x && y ? 1 - ssim(x, y) : undefined;
  };
  const report = buildLabReport(a.model, settings, variants, runs, gap);
  await writeReport(a.out, report, variants, images);
  for (const o of report.observations) io.log(`${o.verdict.padEnd(13)} ${o.id}: ${o.claim}${o.note ? ` (${o.note})` : ''}`);
  io.log(`wrote ${join(a.out, 'report.json')} and report.html (${runs.length} runs)`);
  return report;
}
