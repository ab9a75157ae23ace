// Loads every file of a diffusers-ONNX Stable Diffusion folder (model_index.json, text_encoder,
// unet + its external weights, vae_decoder, optional vae_encoder, tokenizer, scheduler config).
import { decodeModel, type ModelProto } from '../onnx/proto.ts';
import { externalLocations, graphIo, type GraphIo } from '../onnx/model-file.ts';
import { checkOnnxBytes, fetchModelFile, ModelLoadError, parseJsonFile, type FetchOptions } from './model-source.ts';

export interface OnnxFile {
  path: string;
  bytes: Uint8Array;
  /** External data files the model refers to, keyed by their `location` (as ORT's externalData wants). */
  externalData: { path: string; data: Uint8Array }[];
  /** the decoded graph (initializer data are views of `bytes`): decoded once, on loading */
  model: ModelProto;
  /** the graph's declared inputs and outputs */
  io: GraphIo;
}

export interface TokenizerFiles {
  /** tokenizer.json when present (preferred) */
  tokenizerJson?: unknown;
  vocab?: Record<string, number>;
  merges?: string;
  config?: Record<string, unknown>;
}

export interface SdPipelineFiles {
  base: string;
  modelIndex: Record<string, unknown>;
  schedulerConfig: Record<string, unknown>;
  /** vae_decoder/config.json (scaling_factor), {} when absent */
  vaeConfig: Record<string, unknown>;
  tokenizer: TokenizerFiles;
  textEncoder: OnnxFile;
  unet: OnnxFile;
  vaeDecoder: OnnxFile;
  vaeEncoder?: OnnxFile;
}

export interface LoadOptions extends FetchOptions {
  /** Where tokenizer files live when the model repo has none (e.g. sd-turbo-ort-web). */
  tokenizerBase?: string;
  /** Skip the VAE encoder (img2img off) to save a download. */
  withVaeEncoder?: boolean;
}

/** The locations of external-data initializers a model refers to (empty when weights are inline). */
export function externalDataLocations(model: Uint8Array): string[] {
  return externalLocations(decodeModel(model));
}

async function loadOnnx(base: string, path: string, opts: FetchOptions): Promise<OnnxFile> {
  const bytes = await fetchModelFile(base, path, opts);
  checkOnnxBytes(path, bytes);
  let locations: string[];
  let io: GraphIo;
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
    locations = externalLocations(model);
    io = graphIo(model);
  } catch (e) {
    throw new ModelLoadError('format', `${path} could not be parsed as ONNX (${(e as Error).message}). The file may be corrupt.`);
  }
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const externalData: OnnxFile['externalData'] = [];
  for (const loc of locations) {
    try {
      externalData.push({ path: loc, data: await fetchModelFile(base, dir + loc, opts) });
    } catch (e) {
      if (e instanceof ModelLoadError && e.kind === 'not-found') {
        throw new ModelLoadError('missing-file', `${path} keeps its weights in '${loc}', which is missing (${dir + loc}).`, e.url);
      }
      throw e;
    }
  }
  return { path, bytes, externalData, model, io };
}

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ModelLoadError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

async function loadTokenizer(base: string, opts: FetchOptions): Promise<TokenizerFiles> {
  const json = await optional(fetchModelFile(base, 'tokenizer/tokenizer.json', opts));
  const config = await optional(fetchModelFile(base, 'tokenizer/tokenizer_config.json', opts));
  const out: TokenizerFiles = {};
  if (config) out.config = parseJsonFile('tokenizer/tokenizer_config.json', config);
  if (json) {
    out.tokenizerJson = parseJsonFile('tokenizer/tokenizer.json', json);
    return out;
  }
  const vocab = await optional(fetchModelFile(base, 'tokenizer/vocab.json', opts));
  const merges = await optional(fetchModelFile(base, 'tokenizer/merges.txt', opts));
  if (!vocab || !merges) {
    throw new ModelLoadError('missing-file', `No tokenizer under ${base}/tokenizer/: need tokenizer.json, or vocab.json and merges.txt.`);
  }
  out.vocab = parseJsonFile('tokenizer/vocab.json', vocab);
  out.merges = new TextDecoder().decode(merges);
  return out;
}

/** Loads a whole pipeline folder. Files are fetched one at a time (progress per file). */
export async function loadSdPipeline(base: string, opts: LoadOptions = {}): Promise<SdPipelineFiles> {
  const modelIndexBytes = await optional(fetchModelFile(base, 'model_index.json', opts));
  const modelIndex = modelIndexBytes ? parseJsonFile<Record<string, unknown>>('model_index.json', modelIndexBytes) : {};
  const schedBytes = await optional(fetchModelFile(base, 'scheduler/scheduler_config.json', opts));
  const schedulerConfig = schedBytes ? parseJsonFile<Record<string, unknown>>('scheduler/scheduler_config.json', schedBytes) : {};
  const vaeBytes = await optional(fetchModelFile(base, 'vae_decoder/config.json', opts));
  const vaeConfig = vaeBytes ? parseJsonFile<Record<string, unknown>>('vae_decoder/config.json', vaeBytes) : {};
  const tokenizer = await loadTokenizer(opts.tokenizerBase ?? base, opts);
  const textEncoder = await loadOnnx(base, 'text_encoder/model.onnx', opts);
  const unet = await loadOnnx(base, 'unet/model.onnx', opts);
  const vaeDecoder = await loadOnnx(base, 'vae_decoder/model.onnx', opts);
  const vaeEncoder = opts.withVaeEncoder === false ? undefined : await optional(loadOnnx(base, 'vae_encoder/model.onnx', opts));
  return { base, modelIndex, schedulerConfig, vaeConfig, tokenizer, textEncoder, unet, vaeDecoder, vaeEncoder };
}
