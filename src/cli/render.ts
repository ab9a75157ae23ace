// One image from a model and a ParamSet, and the one-line timing summary the CLI prints: apart from
// generate.ts so that commands which take any SdModel (lab, with the CPU reference in its test) do not
// load the GPU runtime.
import { generateImage, type SdModel } from '../pipeline/sd-pipeline.ts';
import type { StageTimings } from '../pipeline/engine.ts';
import { generateRequestFrom, type ParamSet } from '../params/gen-params.ts';
import type { ImageRgba } from '../image/rgba.ts';
import { ms, type CliIo } from './io.ts';

export function describeTimings(t: StageTimings): string {
  const sa = t.method === 'timestamp-query'
    ? `SA sites ${ms(t.saPool + t.saProject + t.saAttention)} GPU (pool ${ms(t.saPool)}, projections ${ms(t.saProject)}, attention ${ms(t.saAttention)})`
    : `SA sites ${ms(t.saAttention)}`;
  return `text ${ms(t.text)}, unet ORT ${ms(t.unetOrt)}, ${sa}, vae ${ms(t.vae)}, total ${ms(t.total)} (${t.method})`;
}

/** One image for `set` (img2img from `init` when given, at `set.gen.denoise`), with its step previews when asked for. */
export async function renderImage(model: SdModel, set: ParamSet, io: CliIo, opts: { previews?: boolean; init?: ImageRgba; logSteps?: boolean } = {}): Promise<{ image: ImageRgba; timings: StageTimings; previews: ImageRgba[] }> {
  const req = generateRequestFrom(set.gen, set.sa, opts.init);
  if (opts.previews) req.previews = true;
  const previews: ImageRgba[] = [];
  const r = await generateImage(model, req, {
    onProgress: (p) => {
      if (p.stage === 'unet' && opts.logSteps !== false) io.log(`  step ${p.step}/${p.total} at ${ms(p.elapsedMs)}`);
      if (p.preview) previews.push(p.preview);
    },
  });
  return { image: r.image, timings: r.timings, previews };
}
