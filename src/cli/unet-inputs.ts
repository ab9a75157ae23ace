// Inputs of `unet-step`: an SD U-Net ONNX file (+ its external weights) split at its attn1 sites,
// .npy inputs converted to whatever types the model declares (float32/float16/int64/int32), and
// the SA window of every site for the call's timestep. Shared by the GPU and CPU runs.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { externalLocations, graphIo } from '../onnx/model-file.ts';
import { fromHalf, toHalf } from '../onnx/float16.ts';
import { readNpy, type NpyArray } from '../onnx/npy.ts';
import { DataType, decodeModel } from '../onnx/proto.ts';
import { splitUnet, type SplitUnet } from '../onnx/surgery.ts';
import { planGeneration, siteDepth, windowLabel, type SaParams, type SaWindow } from '../sa/index.ts';
import { CliUsageError } from './args.ts';
import type { HostTensor } from '../gpu/ort-tensors.ts';
import { sdxlTimeIds } from '../pipeline/sdxl-conditioning.ts';

/** A file as a plain Uint8Array: a Node Buffer's `slice()` does not copy, which breaks aligned re-views. */
export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const UNET_INPUTS = ['sample', 'timestep', 'encoder_hidden_states'] as const;
/** SDXL's extra inputs (optimum's UNetOnnxConfig with addition_embed_type "text_time"). */
export const SDXL_UNET_INPUTS = ['text_embeds', 'time_ids'] as const;

/** Reads the model and the external data it names (from `external`, or beside the model) and splits it. */
export function loadSplitUnet(unetPath: string, external?: string): SplitUnet {
  const bytes = readBytes(unetPath);
  const decoded = decodeModel(bytes);
  const locations = externalLocations(decoded);
  if (external && locations.length > 1) throw new CliUsageError(`${basename(unetPath)} refers to ${locations.length} external files (${locations.join(', ')}); put them beside the model instead of passing --external.`);
  const externalData = locations.map((loc) => {
    const path = external ?? join(dirname(unetPath), loc);
    try {
      return { path: loc, data: readBytes(path) };
    } catch {
      throw new CliUsageError(`${basename(unetPath)} keeps its weights in '${loc}', which was not found at ${path}: pass --external <file>.`);
    }
  });
  return splitUnet(bytes, { externalData, decoded });
}

function asNumbers(a: NpyArray): Float32Array {
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof Uint16Array) return fromHalf(a.data);
  return Float32Array.from(a.data as ArrayLike<number | bigint>, (x) => Number(x));
}

/** Declared dims of a graph input (undefined entries are symbolic), or undefined when not given. */
function declaredDims(split: SplitUnet, name: string): (number | undefined)[] | undefined {
  return graphIo(split.loaded.model).inputs.find((v) => v.name === name)?.dims;
}

export function hostTensor(dt: DataType, values: Float32Array, dims: number[]): HostTensor {
  switch (dt) {
    case DataType.FLOAT16:
      return { type: 'float16', data: toHalf(values) as Uint16Array, dims };
    case DataType.INT64:
      return { type: 'int64', data: BigInt64Array.from(values, (x) => BigInt(Math.round(x))), dims };
    case DataType.INT32:
      return { type: 'int32', data: Int32Array.from(values, (x) => Math.round(x)), dims };
    case DataType.FLOAT:
      return { type: 'float32', data: values, dims };
    default:
      throw new CliUsageError(`The U-Net declares an input of ONNX type ${DataType[dt] ?? dt}; unet-step handles float32, float16, int64 and int32.`);
  }
}

export interface UnetStepInputs {
  feeds: Record<(typeof UNET_INPUTS)[number], HostTensor> & Partial<Record<(typeof SDXL_UNET_INPUTS)[number], HostTensor>>;
  B: number;
  h: number;
  w: number;
  /** the timestep SA's schedule uses (the first element) */
  t: number;
}

/**
 * SDXL's text_embeds [B, P] (.npy) and time_ids [B, 6] (.npy, or six numbers repeated per batch
 * element; default: original = target = the latent's pixel size 8h × 8w, crop 0, 0 — what
 * diffusers' StableDiffusionXLPipeline passes for a plain generation at that size).
 */
function readXlInputs(split: SplitUnet, B: number, h: number, w: number, paths: { textEmbeds?: string; timeIds?: string }, read: (p: string) => Uint8Array): Partial<UnetStepInputs['feeds']> {
  const has = (n: string) => split.graphInputs.some((g) => g.name === n);
  if (!has('text_embeds') && !has('time_ids')) {
    if (paths.textEmbeds || paths.timeIds) throw new CliUsageError('--text-embeds / --time-ids are for SDXL U-Nets; this U-Net has no text_embeds / time_ids inputs.');
    return {};
  }
  const typeOf = (n: string) => split.graphInputs.find((g) => g.name === n)!.dataType;
  if (!paths.textEmbeds) throw new CliUsageError('This is an SDXL U-Net (inputs text_embeds, time_ids): pass --text-embeds e.npy [B, P] (text_encoder_2\'s text_embeds).');
  const te = readNpy(read(paths.textEmbeds));
  const P = declaredDims(split, 'text_embeds')?.[1];
  if (te.shape.length !== 2 || te.shape[0] !== B || (P !== undefined && te.shape[1] !== P)) throw new CliUsageError(`--text-embeds must be [${B}, ${P ?? 'P'}], got [${te.shape.join(', ')}].`);
  let ids: Float32Array;
  if (!paths.timeIds) ids = sdxlTimeIds(8 * h, 8 * w, B);
  else if (/\.npy$/i.test(paths.timeIds)) {
    const t = readNpy(read(paths.timeIds));
    if (t.shape.length !== 2 || t.shape[0] !== B || t.shape[1] !== 6) throw new CliUsageError(`--time-ids must be [${B}, 6], got [${t.shape.join(', ')}].`);
    ids = asNumbers(t);
  } else {
    const six = paths.timeIds.split(',').map(Number);
    if (six.length !== 6 || !six.every(Number.isFinite)) throw new CliUsageError(`--time-ids must be a .npy file or six numbers (H,W,top,left,TH,TW), got ${JSON.stringify(paths.timeIds)}.`);
    ids = Float32Array.from({ length: 6 * B }, (_, i) => six[i % 6]);
  }
  return { text_embeds: hostTensor(typeOf('text_embeds'), asNumbers(te), te.shape), time_ids: hostTensor(typeOf('time_ids'), ids, [B, 6]) };
}

/** Reads sample [B,4,h,w], timestep (.npy [B] / [] or a number) and context [B,77,D] in the model's types (+ SDXL's text_embeds, time_ids). */
export function readUnetInputs(split: SplitUnet, paths: { sample: string; timestep: string; context: string; textEmbeds?: string; timeIds?: string }, read: (p: string) => Uint8Array = readBytes): UnetStepInputs {
  const missing = UNET_INPUTS.filter((n) => !split.graphInputs.some((g) => g.name === n));
  if (missing.length) throw new CliUsageError(`The U-Net has no input(s) ${missing.join(', ')} (it has ${split.graphInputs.map((g) => g.name).join(', ')}).`);
  const typeOf = (n: string) => split.graphInputs.find((g) => g.name === n)!.dataType;
  const sample = readNpy(read(paths.sample));
  const context = readNpy(read(paths.context));
  if (sample.shape.length !== 4) throw new CliUsageError(`--sample must be [B, 4, h, w], got [${sample.shape.join(', ')}].`);
  if (context.shape.length !== 3 || context.shape[0] !== sample.shape[0]) throw new CliUsageError(`--context must be [B, 77, D] with the sample's B = ${sample.shape[0]}, got [${context.shape.join(', ')}].`);
  const [B, , h, w] = sample.shape;
  let tValues: Float32Array;
  let tDims: number[];
  if (/\.npy$/i.test(paths.timestep)) {
    const t = readNpy(read(paths.timestep));
    [tValues, tDims] = [asNumbers(t), t.shape];
  } else {
    const t = Number(paths.timestep);
    if (!Number.isFinite(t)) throw new CliUsageError(`--timestep must be a .npy file or a number, got ${JSON.stringify(paths.timestep)}.`);
    const declared = declaredDims(split, 'timestep');
    tDims = declared?.length === 0 ? [] : declared?.length === 1 && declared[0] === 1 ? [1] : [B];
    tValues = new Float32Array(Math.max(1, tDims[0] ?? 1)).fill(t);
  }
  const feeds = {
    sample: hostTensor(typeOf('sample'), asNumbers(sample), sample.shape),
    timestep: hostTensor(typeOf('timestep'), tValues, tDims),
    encoder_hidden_states: hostTensor(typeOf('encoder_hidden_states'), asNumbers(context), context.shape),
    ...readXlInputs(split, B, h, w, paths, read),
  };
  return { feeds, B, h, w, t: tValues[0] };
}

export interface SiteReport {
  name: string;
  side: 'in' | 'mid' | 'out';
  level: number;
  channels: number;
  /** SPEC_SA §3/§5a: channels / channels of the first level with self-attention (SDXL: 1 at 640, 2 at 1280) */
  depth: number;
  heads: number;
  h: number;
  w: number;
  /** '—' (plain attention), '3×2', '1D·4' */
  label: string;
  window: SaWindow;
  /** how the run stored the site's tensors: 'f32' | 'f16-packed' | 'f16-native' (GPU), 'cpu-reference' (--cpu) */
  storage?: string;
}

/** Every site's grid and SA window at timestep `t` on an h×w latent. */
export function siteWindows(split: SplitUnet, sa: SaParams, t: number, h: number, w: number): SiteReport[] {
  const plan = planGeneration(split.sites, [t], sa, { h, w });
  return split.sites.map((s, i) => ({
    name: s.name, side: s.side, level: s.level, channels: s.channels, depth: siteDepth(s, plan.baseChannels), heads: s.heads,
    ...plan.grids[i], label: windowLabel(plan.cells[i][0]), window: plan.cells[i][0],
  }));
}

/** Float32 values of an output tensor's data (float16 bits converted). */
export function outputF32(data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return fromHalf(data);
  throw new CliUsageError('The U-Net output is not float32 or float16.');
}
