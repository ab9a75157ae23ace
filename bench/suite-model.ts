// The U-Net bench/suite.ts measures: a synthetic one (src/models, seeded weights, in memory) named
// `config[-fp16]` (tiny, sd15, sd2, …; fp32 unless -fp16), or a real ONNX file with --unet.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PIPELINE_CONFIGS, type PipelineName } from '../src/models/configs.ts';
import { pipelineFiles } from '../src/models/pipeline.ts';
import { externalDataLocations } from '../src/pipeline/load-pipeline.ts';
import { decodeModel } from '../src/onnx/proto.ts';
import type { UnetUnderTest } from './suite-run.ts';

const plain = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function crossDimOf(bytes: Uint8Array): number {
  const input = decodeModel(bytes).graph?.input.find((i) => i.name === 'encoder_hidden_states');
  const dims = input?.type?.value.case === 'tensorType' ? input.type.value.value.shape?.dim : undefined;
  const last = dims?.at(-1)?.value;
  return last?.case === 'dimValue' ? Number(last.value) : 768;
}

export async function loadBenchUnet(model: string, unetPath?: string, external?: string): Promise<UnetUnderTest> {
  if (unetPath) {
    const bytes = plain(readFileSync(unetPath));
    const externalData = externalDataLocations(bytes).map((loc) => ({ path: loc, data: plain(readFileSync(external ?? join(dirname(unetPath), loc))) }));
    return { name: basename(unetPath), bytes, externalData, crossDim: crossDimOf(bytes) };
  }
  const [config, suffix] = model.split('-fp');
  if (!(config in PIPELINE_CONFIGS) || (suffix !== undefined && suffix !== '16' && suffix !== '32')) {
    throw new Error(`--model ${model}: use one of ${Object.keys(PIPELINE_CONFIGS).join(', ')}, optionally with -fp16, or --unet <file>.`);
  }
  const dtype = suffix === '16' ? 'float16' : 'float32';
  const files = pipelineFiles(config, { attention: 'torch2', dtype, seed: 1 });
  const bytes = files.find((f) => f.path === 'unet/model.onnx')!.make();
  const weights = files.find((f) => f.path === 'unet/weights.pb')!.make();
  const externalData = weights.byteLength ? externalDataLocations(bytes).map((path) => ({ path, data: weights })) : [];
  return { name: `${config} ${dtype} torch2 (synthetic)`, bytes, externalData, crossDim: PIPELINE_CONFIGS[config as PipelineName].unet.crossAttentionDim };
}
