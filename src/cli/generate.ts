// `generate`: one image from a diffusers-ONNX folder (local path or URL) through the same pipeline
// as the app (text encoder → split U-Net with SA → VAE on one WebGPU device), written as a PNG
// with its parameters embedded. Prints the adapter and per-stage timings. Import after nodeGpu().
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { detectLayout, loadSdPipeline, type LoadOptions } from '../pipeline/load-pipeline.ts';
import { createSdModel, type LoadedSdModel } from '../pipeline/sd-model.ts';
import { devicePreflight } from '../pipeline/preflight.ts';
import { backendHost } from '../gpu/runtime.ts';
import { MODEL_REGISTRY } from '../pipeline/registry.ts';
import type { StageTimings } from '../pipeline/engine.ts';
import type { ParamSet } from '../params/gen-params.ts';
import { encodePng } from '../image/png.ts';
import { resizeRgba } from '../image/resize.ts';
import type { ImageRgba } from '../image/rgba.ts';
import { writePngParams } from '../params/png-metadata.ts';
import { saParamsToJson, type Notice } from '../sa/index.ts';
import { paramSetFrom, type GenerateArgs } from './args.ts';
import { fileFetch, isRemote, modelBase } from './file-fetch.ts';
import { openGpu } from './gpu.ts';
import { ms, printNotices, type CliIo } from './io.ts';
import { printSiteKernels } from './site-kernels.ts';
import { describeTimings, renderImage } from './render.ts';
import type { F16Path } from '../gpu/kernels/dtype.ts';

/**
 * Where a model's files are: a registry model (by folder name) brings its layout and tokenizer
 * source; a local folder's flat layout is read from its file names; `--tokenizer` overrides.
 */
export function modelLayout(model: string, id: string, tokenizer: string | undefined): Pick<LoadOptions, 'layout' | 'tokenizerBase'> {
  const entry = MODEL_REGISTRY.find((e) => e.id === id);
  let layout = entry?.layout;
  if (!isRemote(model) && existsSync(model) && statSync(model).isDirectory()) {
    const names = readdirSync(model, { recursive: true, encoding: 'utf8' }).map((n) => n.split(sep).join('/'));
    layout = detectLayout(names) ?? layout;
  }
  const tokenizerBase = tokenizer ? modelBase(tokenizer) : entry?.tokenizerBase;
  return { layout, tokenizerBase };
}

/** Reads the pipeline folder and creates every session on the CLI's device; prints each site's storage path. */
export async function loadModelOnGpu(model: string, tokenizer: string | undefined, id: string, io: CliIo, f16Path?: F16Path, opts: { withVaeEncoder?: boolean } = {}): Promise<LoadedSdModel> {
  const { ctx, ort } = await openGpu(io);
  const t0 = performance.now();
  const files = await loadSdPipeline(modelBase(model), { fetchImpl: fileFetch(), ...modelLayout(model, id, tokenizer), withVaeEncoder: opts.withVaeEncoder ?? false, preflight: devicePreflight(ctx.report) });
  const tRead = performance.now() - t0;
  const m = await createSdModel(backendHost(ort, ctx.device), files, { id, kernels: { f16Path } });
  io.log(`model: ${model} (${m.info.attentionStyle}, ${m.info.dtype}, ${m.info.sites.length} attn1 sites); files ${ms(tRead)}, sessions ${ms(performance.now() - t0 - tRead)}`);
  printSiteKernels(io, m.info.sites.map((s) => ({ ...s })), m.info.kernels);
  return m;
}

/** One image for `set` as PNG bytes with the parameters embedded, and its step previews when asked for. */
export async function renderPng(model: LoadedSdModel, set: ParamSet, io: CliIo, opts: { previews?: boolean } = {}): Promise<{ png: Uint8Array; timings: StageTimings; previews: ImageRgba[] }> {
  const { image, timings, previews } = await renderImage(model, set, io, opts);
  const png = writePngParams(await encodePng(image.data, image.width, image.height), set);
  return { png, timings, previews };
}

/** Step previews as DIR/step-001.png, … in step order (both passes), each latent pixel 8×8 (bilinear). */
async function writePreviews(dir: string, previews: ImageRgba[], io: CliIo): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [i, p] of previews.entries()) {
    const big = resizeRgba(p, p.width * 8, p.height * 8);
    writeFileSync(join(dir, `step-${String(i + 1).padStart(3, '0')}.png`), await encodePng(big.data, big.width, big.height));
  }
  io.log(`wrote ${previews.length} step previews to ${dir}`);
}

export async function generateCommand(a: GenerateArgs, io: CliIo): Promise<{ notices: Notice[] }> {
  const { set, notices } = paramSetFrom(a, io.readText);
  printNotices(io, notices);
  const { gen, sa } = set;
  io.log(`params: ${gen.width}x${gen.height}, ${gen.steps} steps ${gen.scheduler}, guidance ${gen.guidance}, seed ${gen.seed}; sa ${saParamsToJson(sa)}`);
  const model = await loadModelOnGpu(a.model, a.tokenizer, gen.model, io, a.f16Path);
  try {
    const { png, timings, previews } = await renderPng(model, set, io, { previews: a.previews !== undefined });
    io.log(`timings: ${describeTimings(timings)}`);
    mkdirSync(dirname(a.out), { recursive: true });
    writeFileSync(a.out, png);
    io.log(`wrote ${a.out} (${gen.width}x${gen.height}, ${png.byteLength} bytes)`);
    if (a.previews !== undefined) await writePreviews(a.previews, previews, io);
  } finally {
    await model.release();
  }
  return { notices };
}
