// The generation loop: prompt → CLIP ids → text encoder → U-Net steps (CFG as batch 2) with a
// diffusers-compatible scheduler → VAE decoder → RGBA; img2img starts from VAE-encoder latents; a
// second pass upscales latents and runs img2img again. Where the models run is an SdBackend
// (src/gpu/sd-backend.ts): the GPU one or a CPU reference in tests. This loop's clock is the one
// owner of a generation's StageTimings.
import { planGeneration, type SaParams } from '../sa/index.ts';
import { addSitePartTimes, type SdBackend, type SitePartTimes, type TextContext, type UnetOutput } from '../gpu/sd-backend.ts';
import { createScheduler, type SchedulerConfig } from './schedulers/index.ts';
import { TorchGenerator } from './random.ts';
import { SD_MAX_LENGTH, type PromptTokenizer } from './tokenizer.ts';
import { chwFromImage, imageFromChw } from './tensor-io.ts';
import { resizePlanar, resizeRgba } from '../image/resize.ts';
import { latentToRgba, SD_LATENT_RGB, type LatentRgbMap } from '../image/latent-preview.ts';
import { hiresSize, type GenerateRequest, type SchedulerName } from '../params/request.ts';
import { GenerationInterrupted, type GenerateResult, type Progress, type StageTimings } from './engine.ts';
import { guidanceScaleEmbedding, type UnetContract } from './unet-contract.ts';
import { encodeSdxlPrompts, sdxlTimeIds, type SdxlText } from './sdxl-conditioning.ts';

/** The VAE decoded NaN or ∞ (SDXL's original VAE overflows in float16). */
export class VaeOverflowError extends Error {
  override name = 'VaeOverflowError';
}

export interface SdModel {
  backend: SdBackend;
  tokenizer: PromptTokenizer;
  schedulerConfig: Partial<SchedulerConfig>;
  scalingFactor: number;
  /** what the U-Net's inputs ask for (fixed shapes, LCM's guidance embedding); none: the usual three */
  unet?: UnetContract;
  /** the step previews' latent → RGB map (default: SD 1.x/2.x's) */
  latentRgb?: LatentRgbMap;
  /** SDXL: the second tokenizer and the conditioning's output names (src/pipeline/sdxl-conditioning.ts) */
  sdxl?: SdxlText;
}

/**
 * How the U-Net is called: batch B, whether the batch is [uncond, cond] for CFG, and the guidance
 * embedding. LCM folds guidance into `timestep_cond` (no CFG); an export with a fixed batch of 2
 * always gets two rows (the prompt twice when CFG is off); a fixed batch of 1 cannot do CFG.
 */
export function unetBatching(c: UnetContract | undefined, guidance: number): { B: number; cfg: boolean; timestepCond?: Float32Array } {
  const lcm = c?.guidanceEmbeddingDim !== undefined;
  const cfg = !lcm && guidance > 1;
  const B = c?.fixedBatch ?? (cfg ? 2 : 1);
  if (B !== 1 && B !== 2) throw new RangeError(`The U-Net was exported for batch ${B} only; this app runs batch 1 or 2.`);
  if (cfg && B === 1) throw new RangeError(`The U-Net was exported for batch 1 only, so guidance (CFG) cannot run: set guidance to 1 or less.`);
  if (!lcm) return { B, cfg };
  const e = guidanceScaleEmbedding(guidance, c.guidanceEmbeddingDim!);
  const timestepCond = new Float32Array(B * e.length);
  for (let b = 0; b < B; b++) timestepCond.set(e, b * e.length);
  return { B, cfg, timestepCond };
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface Clock {
  t0: number;
  timings: StageTimings;
  /** the SA sites' GPU time per part, summed over U-Net calls (devices with timestamp queries) */
  siteParts?: SitePartTimes;
}

/** Adds one U-Net call's time to the clock. */
function clockUnet(clock: Clock, r: UnetOutput): void {
  clock.timings.unetOrt += r.ortMs;
  clock.timings.saAttention += r.siteMs;
  clock.timings.saWall += r.siteMs;
  if (r.siteParts) clock.siteParts = addSitePartTimes(clock.siteParts, r.siteParts);
}

/**
 * The stage timings of a finished generation: SA sites' GPU time per part where the device had
 * timestamp queries ('timestamp-query'), else their wall time as saAttention ('submitted-work-done').
 */
function finalTimings(clock: Clock): StageTimings {
  const t = { ...clock.timings, total: performance.now() - clock.t0 };
  const p = clock.siteParts;
  return p ? { ...t, saPool: p.pool, saProject: p.project, saAttention: p.attention, method: 'timestamp-query' } : t;
}

async function timed<T>(m: SdModel, clock: Clock, key: 'text' | 'vae', fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  await m.backend.sync();
  clock.timings[key] += performance.now() - t;
  return r;
}

interface PassSpec {
  latents: Float32Array;
  width: number;
  height: number;
  steps: number;
  strength: number;
  scheduler: SchedulerName;
  sa: SaParams;
  /** true: latents are the start of a full schedule (txt2img); false: clean latents that get noised */
  start: boolean;
}

/** One denoising pass; returns the final latents and the model timesteps it ran. */
async function denoise(m: SdModel, req: GenerateRequest, context: TextContext, pass: PassSpec, gen: TorchGenerator, clock: Clock, opts: RunOptions) {
  const { B, cfg, timestepCond } = unetBatching(m.unet, req.guidance);
  const [h, w] = [pass.height / 8, pass.width / 8];
  const fixed = m.unet?.fixedLatent;
  if (fixed && (fixed.h !== h || fixed.w !== w)) throw new RangeError(`The U-Net was exported for ${fixed.w * 8}×${fixed.h * 8} images only (got ${pass.width}×${pass.height}).`);
  const sched = createScheduler(pass.scheduler, { ...m.schedulerConfig, steps: pass.steps, strength: pass.strength });
  const timesteps = sched.timesteps.slice(sched.beginIndex);
  let x = pass.start ? pass.latents : sched.addNoise(pass.latents, gen.randn(pass.latents.length), sched.beginIndex);
  const plan = planGeneration(m.backend.sites, timesteps, pass.sa, { h, w });
  const per = 4 * h * w;
  // SDXL: original = target = this pass's size, crop (0, 0)
  const timeIds = m.unet?.sdxl ? sdxlTimeIds(pass.height, pass.width, B) : undefined;
  for (let k = 0; k < timesteps.length; k++) {
    const i = sched.beginIndex + k;
    if (opts.signal?.aborted) throw new GenerationInterrupted();
    const scaled = sched.scaleModelInput(x, i);
    const sample = new Float32Array(B * per);
    for (let b = 0; b < B; b++) sample.set(scaled, b * per);
    const r = await m.backend.unet({ sample, B, h, w, timestep: sched.timesteps[i], timestepCond, timeIds, context, windowOf: (s) => plan.cells[s.index][k], signal: opts.signal }).catch((e: unknown) => {
      throw opts.signal?.aborted ? new GenerationInterrupted() : e;
    });
    clockUnet(clock, r);
    let eps = r.eps.subarray(0, per);
    if (cfg) {
      eps = new Float32Array(per);
      for (let j = 0; j < per; j++) eps[j] = r.eps[j] + req.guidance * (r.eps[per + j] - r.eps[j]);
    }
    const out = sched.step(eps, i, x, (n) => gen.randn(n));
    x = out.sample;
    // the preview shows x₀, the step's estimate of the clean latents: the sample itself is mostly
    // noise until the last steps (σ up to ~14 for Euler), while x₀ already shows the composition
    const preview = req.previews ? latentToRgba(out.denoised, h, w, m.latentRgb ?? SD_LATENT_RGB) : undefined;
    opts.onProgress?.({ stage: 'unet', step: k + 1, total: timesteps.length, elapsedMs: performance.now() - clock.t0, ...(preview && { preview }) });
  }
  return { latents: x, timesteps };
}


/** The batch's text context: [negative, prompt] with CFG, else the prompt in every row. */
function encodePrompts(m: SdModel, req: GenerateRequest, B: number, cfg: boolean): Promise<TextContext> {
  if (m.unet?.sdxl && !m.sdxl) throw new Error('The U-Net takes SDXL inputs (text_embeds, time_ids) but the pipeline has no text_encoder_2.');
  if (m.sdxl) {
    // the app's empty negative prompt plays diffusers' negative_prompt=None
    const zero = cfg && req.negativePrompt === '' && m.sdxl.forceZerosForEmptyPrompt;
    const prompts = zero ? [req.prompt] : cfg ? [req.negativePrompt, req.prompt] : Array<string>(B).fill(req.prompt);
    return encodeSdxlPrompts(m.backend, m.tokenizer, m.sdxl, prompts, zero);
  }
  const prompts = cfg ? [req.negativePrompt, req.prompt] : Array<string>(B).fill(req.prompt);
  const ids = new Int32Array(prompts.length * SD_MAX_LENGTH);
  prompts.forEach((s, i) => ids.set(m.tokenizer.encode(s), i * SD_MAX_LENGTH));
  return m.backend.encodeText(ids, prompts.length);
}

/** Refuses a decoded image with NaN or ∞ rather than showing garbage. */
function checkFinite(pixels: Float32Array, m: SdModel): void {
  let bad = 0;
  for (let i = 0; i < pixels.length; i++) if (!Number.isFinite(pixels[i])) bad++;
  if (!bad) return;
  const hint = m.unet?.sdxl
    ? " SDXL's original VAE overflows in float16: use a float32 VAE decoder or the fp16-fix VAE (madebyollin/sdxl-vae-fp16-fix), which is made to run in float16."
    : ' A float16 VAE decoder may overflow: try a float32 one.';
  throw new VaeOverflowError(`The VAE decoder produced ${bad} non-finite values (NaN or ∞) of ${pixels.length}.${hint}`);
}

/** Generates one image. Throws GenerationInterrupted when `signal` aborts. */
export async function generateImage(m: SdModel, req: GenerateRequest, opts: RunOptions = {}): Promise<GenerateResult> {
  const clock: Clock = { t0: performance.now(), timings: { text: 0, unetOrt: 0, saPool: 0, saProject: 0, saAttention: 0, saWall: 0, vae: 0, total: 0, method: 'submitted-work-done' } };
  if (req.width % 8 || req.height % 8) throw new RangeError(`Width and height must be multiples of 8 (got ${req.width}×${req.height}).`);
  const { B, cfg } = unetBatching(m.unet, req.guidance);
  const context = await timed(m, clock, 'text', () => encodePrompts(m, req, B, cfg));
  opts.onProgress?.({ stage: 'text', step: 1, total: 1, elapsedMs: performance.now() - clock.t0 });
  const gen = new TorchGenerator(req.seed);
  try {
    const [h, w] = [req.height / 8, req.width / 8];
    let first: PassSpec;
    if (req.init) {
      if (!m.backend.hasVaeEncoder) throw new Error('This model has no VAE encoder (vae_encoder/model.onnx): img2img is not available.');
      const img = resizeRgba(req.init.image, req.width, req.height);
      const z = await timed(m, clock, 'vae', () => m.backend.encode(chwFromImage(img), req.height, req.width));
      const clean = z.map((v) => v * m.scalingFactor);
      first = { latents: clean, width: req.width, height: req.height, steps: req.steps, strength: req.init.strength, scheduler: req.scheduler, sa: req.sa, start: false };
    } else {
      const sched = createScheduler(req.scheduler, { ...m.schedulerConfig, steps: req.steps });
      const noise = gen.randn(4 * h * w).map((v) => v * sched.initNoiseSigma);
      first = { latents: noise, width: req.width, height: req.height, steps: req.steps, strength: 1, scheduler: req.scheduler, sa: req.sa, start: true };
    }
    const r1 = await denoise(m, req, context, first, gen, clock, opts);
    let latents = r1.latents;
    let [W, H] = [req.width, req.height];
    if (req.hires) {
      const { width: W2, height: H2 } = hiresSize(req, req.hires.scale);
      const up = resizePlanar(latents, 1, 4, h, w, H2 / 8, W2 / 8);
      const second: PassSpec = { latents: up, width: W2, height: H2, steps: req.hires.steps, strength: req.hires.denoise, scheduler: req.scheduler, sa: req.hires.sa, start: false };
      latents = (await denoise(m, req, context, second, gen, clock, opts)).latents;
      [W, H] = [W2, H2];
    }
    if (opts.signal?.aborted) throw new GenerationInterrupted();
    const z = latents.map((v) => v / m.scalingFactor);
    const pixels = await timed(m, clock, 'vae', () => m.backend.decode(z, H / 8, W / 8));
    checkFinite(pixels, m);
    opts.onProgress?.({ stage: 'vae', step: 1, total: 1, elapsedMs: performance.now() - clock.t0 });
    return { image: imageFromChw(pixels, W, H), timings: finalTimings(clock), timesteps: r1.timesteps, seed: req.seed, latents };
  } finally {
    context.dispose();
  }
}
