// `generate`: one image from a diffusers-ONNX folder (local path or URL) through the same pipeline
// as the app (text encoder → split U-Net with SA → VAE on one WebGPU device), written as a PNG
// with its parameters embedded. Prints the adapter and per-stage timings. Import after nodeGpu().
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadSdPipeline } from '../pipeline/load-pipeline.ts';
import { createGpuSdModel } from '../pipeline/gpu-backend.ts';
import { generateImage } from '../pipeline/sd-pipeline.ts';
import { generateRequestFrom } from '../state/gen-params.ts';
import { encodePng, writePngParams } from '../state/png-metadata.ts';
import { saParamsToJson, type Notice } from '../sa/index.ts';
import { paramSetFrom, type GenerateArgs } from './args.ts';
import { fileFetch, modelBase } from './file-fetch.ts';
import { openGpu } from './gpu.ts';
import { ms, printNotices, type CliIo } from './io.ts';

export async function generateCommand(a: GenerateArgs, io: CliIo): Promise<{ notices: Notice[] }> {
  const { set, notices } = paramSetFrom(a, io.readText);
  printNotices(io, notices);
  const { gen, sa } = set;
  io.log(`params: ${gen.width}x${gen.height}, ${gen.steps} steps ${gen.scheduler}, guidance ${gen.guidance}, seed ${gen.seed}; sa ${saParamsToJson(sa)}`);
  const { ctx, ort } = await openGpu(io);
  const base = modelBase(a.model);
  const t0 = performance.now();
  const files = await loadSdPipeline(base, { fetchImpl: fileFetch(), tokenizerBase: a.tokenizer ? modelBase(a.tokenizer) : undefined, withVaeEncoder: false });
  const tRead = performance.now() - t0;
  const model = await createGpuSdModel(ort, ctx.device, files, gen.model, undefined, true);
  const tSessions = performance.now() - t0 - tRead;
  io.log(`model: ${a.model} (${model.info.attentionStyle}, ${model.info.dtype}, ${model.info.sites.length} attn1 sites); files ${ms(tRead)}, sessions ${ms(tSessions)}`);
  try {
    const r = await generateImage(model, generateRequestFrom(gen, sa), {
      onProgress: (p) => p.stage === 'unet' && io.log(`  step ${p.step}/${p.total} at ${ms(p.elapsedMs)}`),
    });
    const t = r.timings;
    io.log(`timings: text ${ms(t.text)}, unet ORT ${ms(t.unetOrt)}, SA sites ${ms(t.saAttention)}, vae ${ms(t.vae)}, total ${ms(t.total)} (${t.method})`);
    const png = writePngParams(await encodePng(r.image.data, r.image.width, r.image.height), set);
    mkdirSync(dirname(a.out), { recursive: true });
    writeFileSync(a.out, png);
    io.log(`wrote ${a.out} (${r.image.width}x${r.image.height}, ${png.byteLength} bytes)`);
  } finally {
    await model.release();
  }
  return { notices };
}
