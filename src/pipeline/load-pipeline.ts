// Loads every file of a Stable Diffusion ONNX pipeline: the diffusers-ONNX folder layout
// (model_index.json, text_encoder/, unet/ + its external weights, vae_decoder/, optional
// vae_encoder/, tokenizer/, scheduler/; SDXL adds text_encoder_2/ and tokenizer_2/) or a flat one named by a PipelineLayout (e.g. Microsoft's
// WebNN exports). Each ONNX file is decoded once; `preflight` sees its graph before its external
// weights are fetched, so an unusable model is refused before the big download.
import { decodeModel, type ModelProto } from '../onnx/proto.ts';
import { externalLocations, graphIo, type GraphIo, type OnnxFile } from '../onnx/model-file.ts';
import { checkOnnxBytes, fetchModelFile, ModelLoadError, parseJsonFile, type FetchOptions } from './model-source.ts';

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
  /** SDXL: tokenizer_2/ (OpenCLIP bigG's; pads with "!") */
  tokenizer2?: TokenizerFiles;
  /** SDXL: text_encoder_2/ (CLIPTextModelWithProjection: text_embeds, hidden_states.N) */
  textEncoder2?: OnnxFile;
  unet: OnnxFile;
  vaeDecoder: OnnxFile;
  vaeEncoder?: OnnxFile;
}

/** Where a pipeline's files are, relative to its base URL. */
export interface PipelineLayout {
  textEncoder: string;
  unet: string;
  vaeDecoder: string;
  /** null: the repository has no VAE encoder (img2img off) */
  vaeEncoder: string | null;
  /** folder of tokenizer.json / vocab.json + merges.txt, relative to the tokenizer base */
  tokenizerDir: string;
  /** SDXL's second text encoder and tokenizer */
  textEncoder2: string;
  tokenizer2Dir: string;
}

export const DIFFUSERS_LAYOUT: PipelineLayout = {
  textEncoder: 'text_encoder/model.onnx',
  unet: 'unet/model.onnx',
  vaeDecoder: 'vae_decoder/model.onnx',
  vaeEncoder: 'vae_encoder/model.onnx',
  tokenizerDir: 'tokenizer/',
  textEncoder2: 'text_encoder_2/model.onnx',
  tokenizer2Dir: 'tokenizer_2/',
};

export type PipelineRole = 'textEncoder' | 'textEncoder2' | 'unet' | 'vaeDecoder' | 'vaeEncoder';

/**
 * Whether a pipeline is SDXL-style (two text encoders, the U-Net's text_embeds and time_ids): its
 * model_index.json names a StableDiffusionXL* pipeline or lists text_encoder_2 / tokenizer_2, or its
 * U-Net takes text_embeds (an export without model_index.json).
 */
export function isSdxlPipeline(modelIndex: Record<string, unknown>, unetInputs: readonly string[] = []): boolean {
  const cls = modelIndex._class_name;
  return (typeof cls === 'string' && cls.startsWith('StableDiffusionXL')) || 'text_encoder_2' in modelIndex || 'tokenizer_2' in modelIndex || unetInputs.includes('text_embeds');
}

/** What the preflight sees of a file: its path and decoded graph (before its external weights). */
export type DecodedOnnx = Pick<OnnxFile, 'path' | 'model' | 'io'>;

/**
 * The layout of a folder from its file names (a local folder, where names can be listed): undefined
 * for diffusers' layout; for a flat one, the .onnx files whose names say unet, text encoder and VAE
 * decoder/encoder, and the tokenizer beside them or in tokenizer/.
 */
export function detectLayout(names: readonly string[]): Partial<PipelineLayout> | undefined {
  if (names.includes(DIFFUSERS_LAYOUT.unet)) return undefined;
  const onnx = names.filter((n) => !n.includes('/') && n.toLowerCase().endsWith('.onnx'));
  const find = (re: RegExp) => onnx.find((n) => re.test(n));
  const unet = find(/unet/i);
  const textEncoder = find(/text[-_ ]?encoder(?![-_ ]?2)/i);
  const textEncoder2 = find(/text[-_ ]?encoder[-_ ]?2/i);
  const vaeDecoder = find(/vae[-_ ]?decoder/i);
  if (!unet || !textEncoder || !vaeDecoder) return undefined;
  const tokenizerDir = names.some((n) => n.startsWith('tokenizer/')) ? 'tokenizer/' : '';
  return {
    unet,
    textEncoder,
    vaeDecoder,
    vaeEncoder: find(/vae[-_ ]?encoder/i) ?? null,
    tokenizerDir,
    ...(textEncoder2 && { textEncoder2 }),
    ...(names.some((n) => n.startsWith('tokenizer_2/')) && { tokenizer2Dir: 'tokenizer_2/' }),
  };
}

export interface LoadOptions extends FetchOptions {
  /** Where tokenizer files live when the model repo has none. */
  tokenizerBase?: string;
  /** Skip the VAE encoder (img2img off) to save a download. */
  withVaeEncoder?: boolean;
  /** file names when they are not diffusers' (merged over DIFFUSERS_LAYOUT) */
  layout?: Partial<PipelineLayout>;
  /** checks a decoded graph before its external weights (and the next files) are fetched; throws to refuse */
  preflight?: (role: PipelineRole, file: DecodedOnnx) => void;
}

/** The locations of external-data initializers a model refers to (empty when weights are inline). */
export function externalDataLocations(model: Uint8Array): string[] {
  return externalLocations(decodeModel(model));
}

async function loadOnnx(base: string, path: string, opts: FetchOptions, check?: (f: DecodedOnnx) => void): Promise<OnnxFile> {
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
  check?.({ path, model, io });
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

async function loadTokenizer(base: string, dir: string, opts: FetchOptions): Promise<TokenizerFiles> {
  const at = (name: string) => `${dir}${name}`;
  const json = await optional(fetchModelFile(base, at('tokenizer.json'), opts));
  const config = await optional(fetchModelFile(base, at('tokenizer_config.json'), opts));
  const out: TokenizerFiles = {};
  if (config) out.config = parseJsonFile(at('tokenizer_config.json'), config);
  if (json) {
    out.tokenizerJson = parseJsonFile(at('tokenizer.json'), json);
    return out;
  }
  const vocab = await optional(fetchModelFile(base, at('vocab.json'), opts));
  const merges = await optional(fetchModelFile(base, at('merges.txt'), opts));
  if (!vocab || !merges) {
    throw new ModelLoadError('missing-file', `No tokenizer under ${base}/${dir}: need tokenizer.json, or vocab.json and merges.txt.`);
  }
  out.vocab = parseJsonFile(at('vocab.json'), vocab);
  out.merges = new TextDecoder().decode(merges);
  return out;
}

/** SDXL's tokenizer_2 and text_encoder_2: both required (a typed error names the one missing). */
async function loadSdxlParts(base: string, layout: PipelineLayout, opts: LoadOptions, check?: (f: DecodedOnnx) => void): Promise<Pick<SdPipelineFiles, 'tokenizer2' | 'textEncoder2'>> {
  const why = 'this is an SDXL pipeline (two text encoders), and SDXL conditions on both';
  const tokenizer2 = await loadTokenizer(opts.tokenizerBase ?? base, layout.tokenizer2Dir, opts).catch((e: unknown) => {
    if (e instanceof ModelLoadError && e.kind === 'missing-file') {
      throw new ModelLoadError('missing-file', `tokenizer_2 is missing: no tokenizer.json, or vocab.json and merges.txt, under ${layout.tokenizer2Dir || 'the model folder'} — ${why}.`, e.url);
    }
    throw e;
  });
  try {
    return { tokenizer2, textEncoder2: await loadOnnx(base, layout.textEncoder2, opts, check) };
  } catch (e) {
    if (e instanceof ModelLoadError && e.kind === 'not-found') {
      throw new ModelLoadError('missing-file', `text_encoder_2 is missing (${layout.textEncoder2}) — ${why}.`, e.url);
    }
    throw e;
  }
}

/** Loads a whole pipeline folder. Files are fetched one at a time (progress per file). */
export async function loadSdPipeline(base: string, opts: LoadOptions = {}): Promise<SdPipelineFiles> {
  const modelIndexBytes = await optional(fetchModelFile(base, 'model_index.json', opts));
  const modelIndex = modelIndexBytes ? parseJsonFile<Record<string, unknown>>('model_index.json', modelIndexBytes) : {};
  const schedBytes = await optional(fetchModelFile(base, 'scheduler/scheduler_config.json', opts));
  const schedulerConfig = schedBytes ? parseJsonFile<Record<string, unknown>>('scheduler/scheduler_config.json', schedBytes) : {};
  const vaeBytes = await optional(fetchModelFile(base, 'vae_decoder/config.json', opts));
  const vaeConfig = vaeBytes ? parseJsonFile<Record<string, unknown>>('vae_decoder/config.json', vaeBytes) : {};
  const layout = { ...DIFFUSERS_LAYOUT, ...opts.layout };
  const tokenizer = await loadTokenizer(opts.tokenizerBase ?? base, layout.tokenizerDir, opts).catch((e: unknown) => {
    // neither model_index.json nor a tokenizer (e.g. a web server's fallback page for every path): not a model folder at all
    if (!modelIndexBytes && !opts.tokenizerBase && e instanceof ModelLoadError && e.kind === 'missing-file') {
      throw new ModelLoadError('not-found', `No model was found at ${base}: neither model_index.json nor a tokenizer (${layout.tokenizerDir || 'vocab.json, merges.txt'}) is there. Is the base URL a diffusers-ONNX folder?`, base);
    }
    throw e;
  });
  const check = (role: PipelineRole) => opts.preflight && ((f: DecodedOnnx) => opts.preflight!(role, f));
  // the U-Net first: it is the model most likely to be refused, and the biggest
  const unet = await loadOnnx(base, layout.unet, opts, check('unet'));
  const textEncoder = await loadOnnx(base, layout.textEncoder, opts, check('textEncoder'));
  const xl = isSdxlPipeline(modelIndex, unet.io.inputs.map((v) => v.name)) ? await loadSdxlParts(base, layout, opts, check('textEncoder2')) : {};
  const vaeDecoder = await loadOnnx(base, layout.vaeDecoder, opts, check('vaeDecoder'));
  const vaeEncoder = opts.withVaeEncoder === false || !layout.vaeEncoder ? undefined : await optional(loadOnnx(base, layout.vaeEncoder, opts, check('vaeEncoder')));
  return { base, modelIndex, schedulerConfig, vaeConfig, tokenizer, textEncoder, ...xl, unet, vaeDecoder, vaeEncoder };
}
