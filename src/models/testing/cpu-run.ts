// Test support: run generated models on onnxruntime-node's CPU EP (the reference runner), with
// seeded inputs, and summarise outputs. Packed MultiHeadAttention is unpacked first (the CPU EP
// lacks it; see onnx/unpack-mha.ts).
import * as ort from 'onnxruntime-node';
import { readModel, writeModel } from '../../onnx/model-file.ts';
import { fromHalf, toHalf } from '../../onnx/float16.ts';
import { unpackPackedMha } from '../../onnx/unpack-mha.ts';
import { Rng } from '../rng.ts';
import type { BuiltModel } from '../unet.ts';
import type { FloatType } from '../export-graph.ts';

export interface OutputStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export async function cpuSession(built: BuiltModel): Promise<ort.InferenceSession> {
  const loaded = readModel(built.model, built.externalData ? [built.externalData] : []);
  const bytes = unpackPackedMha(loaded.model) ? writeModel(loaded.model) : built.model;
  const externalData = built.externalData ? [{ path: built.externalData.path, data: built.externalData.data }] : undefined;
  return ort.InferenceSession.create(bytes, { externalData, graphOptimizationLevel: 'all' } as ort.InferenceSession.SessionOptions);
}

export async function runCpu(built: BuiltModel, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await cpuSession(built);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

/** A float tensor of `dtype` (fp16 as binary16 bits). */
export function floatTensor(dtype: FloatType, values: Float32Array, dims: number[]): ort.Tensor {
  return dtype === 'float16' ? new ort.Tensor('float16', toHalf(values), dims) : new ort.Tensor('float32', values, dims);
}

export function toF32(t: ort.Tensor): Float32Array {
  if (t.type === 'float16') return fromHalf(t.data as Uint16Array);
  return t.data as Float32Array;
}

export function normal(seed: number, stream: string, n: number): Float32Array {
  return new Rng(seed, stream).fillNormal(new Float32Array(n));
}

export interface UnetInputSpec {
  batch: number;
  height: number;
  width: number;
  contextLen?: number;
  contextDim: number;
  timestep?: number;
  /** SDXL (UnetConfig.addition): also feed text_embeds [B, dim] ~ N(0, 1) and time_ids [B, 6] */
  addition?: { textEmbedsDim: number; timeIds?: readonly number[] };
}

/**
 * Seeded U-Net inputs: sample, encoder_hidden_states ~ N(0, 1), timestep fixed; with `addition`,
 * text_embeds ~ N(0, 1) and time_ids (default: original size = target size = 8·latent, crop 0, 0).
 */
export function unetFeeds(dtype: FloatType, s: UnetInputSpec, seed = 7): Record<string, ort.Tensor> {
  const { batch: B, height: H, width: W } = s;
  const S = s.contextLen ?? 77;
  const feeds: Record<string, ort.Tensor> = {
    sample: floatTensor(dtype, normal(seed, 'sample', B * 4 * H * W), [B, 4, H, W]),
    timestep: floatTensor(dtype, new Float32Array(B).fill(s.timestep ?? 500), [B]),
    encoder_hidden_states: floatTensor(dtype, normal(seed, 'context', B * S * s.contextDim), [B, S, s.contextDim]),
  };
  if (s.addition) {
    const ids = s.addition.timeIds ?? [8 * H, 8 * W, 0, 0, 8 * H, 8 * W];
    feeds.text_embeds = floatTensor(dtype, normal(seed, 'text_embeds', B * s.addition.textEmbedsDim), [B, s.addition.textEmbedsDim]);
    feeds.time_ids = floatTensor(dtype, Float32Array.from({ length: B * ids.length }, (_, i) => ids[i % ids.length]), [B, ids.length]);
  }
  return feeds;
}

export function stats(values: Float32Array): OutputStats {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(Math.max(0, sq / values.length - mean * mean)), min, max };
}

export function allFinite(values: Float32Array): boolean {
  for (const v of values) if (!Number.isFinite(v)) return false;
  return true;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
