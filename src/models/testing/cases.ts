// The model runs that tests check and record-stats.ts records: each generated config × attention
// style × dtype that onnxruntime's CPU EP can run at test size, plus other latent sizes, the text
// encoder and the VAE. Full-size sd15 / sd2 (3.4 GB fp32) are only checked structurally; their
// structural twins sd15-narrow / sd2-narrow run instead.
import * as ort from 'onnxruntime-node';
import { PIPELINE_CONFIGS, type PipelineName } from '../configs.ts';
import type { AttentionStyle } from '../attention.ts';
import type { FloatType } from '../export-graph.ts';
import { buildUnet, type BuiltModel } from '../unet.ts';
import { buildTextEncoder } from '../text-encoder.ts';
import { buildVaeDecoder, buildVaeEncoder } from '../vae.ts';
import { cpuSession, floatTensor, normal, toF32, unetFeeds } from './cpu-run.ts';

export const SEED = 1;

export interface RunOutput {
  dims: number[];
  values: Float32Array;
}

export interface ModelCase {
  id: string;
  run: () => Promise<Record<string, RunOutput>>;
}

const cache = new Map<string, BuiltModel>();
function cached(key: string, make: () => BuiltModel): BuiltModel {
  let m = cache.get(key);
  if (!m) cache.set(key, (m = make()));
  return m;
}

// ORT session creation dominates (seconds for a ~4000-node U-Net): keep the last one for reuse.
let last: { built: BuiltModel; session: Promise<ort.InferenceSession> } | undefined;

async function outputs(built: BuiltModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, RunOutput>> {
  if (last?.built !== built) {
    const old = last;
    last = { built, session: cpuSession(built) };
    if (old) await (await old.session).release();
  }
  const r = await (await last.session).run(feeds);
  return Object.fromEntries(Object.entries(r).map(([k, t]) => [k, { dims: [...t.dims], values: toF32(t) }]));
}

export function unetModel(config: PipelineName, style: AttentionStyle, dtype: FloatType): BuiltModel {
  return cached(`unet/${config}/${style}/${dtype}`, () => buildUnet(PIPELINE_CONFIGS[config].unet, { attention: style, dtype, seed: SEED }));
}

export function unetCase(config: PipelineName, style: AttentionStyle, dtype: FloatType, height?: number, width = height): ModelCase {
  const u = PIPELINE_CONFIGS[config].unet;
  const h = height ?? u.sampleSize;
  const w = width ?? h;
  const size = h === u.sampleSize && w === u.sampleSize ? '' : `@${h}x${w}`;
  return {
    id: `unet/${config}/${style}/${dtype}${size}`,
    run: () => outputs(unetModel(config, style, dtype), unetFeeds(dtype, { batch: 2, height: h, width: w, contextDim: u.crossAttentionDim })),
  };
}

/** Token ids of a short prompt: BOS, a few ids, EOS, then EOS padding to 77 (SD1.5 style). */
export function promptIds(vocabSize: number, tokens = [320, 600, 700]): number[] {
  const ids = [vocabSize - 2, ...tokens, vocabSize - 1];
  while (ids.length < 77) ids.push(vocabSize - 1);
  return ids;
}

export function textCase(config: PipelineName, dtype: FloatType, inputIds: 'int32' | 'int64' = 'int32'): ModelCase {
  const t = PIPELINE_CONFIGS[config].text;
  return {
    id: `text_encoder/${config}/${dtype}/${inputIds}`,
    run: () => {
      const m = cached(`text/${config}/${dtype}/${inputIds}`, () => buildTextEncoder(t, { dtype, seed: SEED, inputIds }));
      const ids = [...promptIds(t.vocabSize), ...promptIds(t.vocabSize, [400, 500])];
      const data = inputIds === 'int64' ? BigInt64Array.from(ids, BigInt) : Int32Array.from(ids);
      return outputs(m, { input_ids: new ort.Tensor(inputIds, data, [2, 77]) });
    },
  };
}

export function vaeCase(config: PipelineName, part: 'decoder' | 'encoder', dtype: FloatType): ModelCase {
  const v = PIPELINE_CONFIGS[config].vae;
  const s = PIPELINE_CONFIGS[config].unet.sampleSize;
  return {
    id: `vae_${part}/${config}/${dtype}`,
    run: () => {
      const opts = { dtype, seed: SEED };
      if (part === 'decoder') {
        const m = cached(`vae_dec/${config}/${dtype}`, () => buildVaeDecoder(v, opts));
        return outputs(m, { latent_sample: floatTensor(dtype, normal(7, 'latent', 4 * s * s), [1, 4, s, s]) });
      }
      const m = cached(`vae_enc/${config}/${dtype}`, () => buildVaeEncoder(v, opts));
      const img = normal(7, 'image', 3 * 64 * s * s).map((x) => Math.tanh(x));
      return outputs(m, { sample: floatTensor(dtype, img, [1, 3, 8 * s, 8 * s]) });
    },
  };
}

export const STYLES: AttentionStyle[] = ['torch2', 'torch1', 'ort-fused'];
export const DTYPES: FloatType[] = ['float32', 'float16'];

/** Every recorded case, grouped by the test file that runs it. */
export function allCases(): Record<string, ModelCase[]> {
  const grid = (config: PipelineName) => STYLES.flatMap((s) => DTYPES.map((d) => unetCase(config, s, d)));
  return {
    tiny: [
      ...STYLES.flatMap((s) => [unetCase('tiny', s, 'float32'), ...(s === 'ort-fused' ? [unetCase('tiny', s, 'float32', 8, 16)] : []), unetCase('tiny', s, 'float16')]),
      unetCase('tiny', 'ort-fused', 'float16', 8, 8),
      unetCase('tiny', 'ort-fused', 'float16', 24, 24),
    ],
    narrow: [...grid('sd15-narrow'), ...grid('sd2-narrow')],
    parts: [
      ...DTYPES.map((d) => textCase('tiny', d)),
      textCase('tiny', 'float32', 'int64'),
      ...DTYPES.flatMap((d) => [vaeCase('tiny', 'decoder', d), vaeCase('tiny', 'encoder', d)]),
    ],
  };
}
