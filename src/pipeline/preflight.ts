// The preflight: before a model's weights are downloaded (external-data exports) or right after its
// graph (inline ones), scan each ONNX graph and refuse — naming the op and the file — what
// onnxruntime-web's WebGPU backend cannot run or what our graph surgery does not know. Op facts are
// measured on onnxruntime-web 1.30.0 by src/gpu/ort-ops.gpu.test.ts (which fails if one changes).
import type { ModelProto } from '../onnx/proto.ts';
import { usesFloat16 } from '../onnx/model-file.ts';
import { findAttnSites } from '../onnx/sites.ts';
import type { DecodedOnnx, PipelineRole } from './load-pipeline.ts';
import { ModelLoadError } from './model-source.ts';
import { unetContract } from './unet-contract.ts';

/** com.microsoft ops that onnxruntime-web's WebGPU backend runs (or that we rewrite first), checked by the ops test. */
export const CONTRIB_OPS_OK: ReadonlySet<string> = new Set([
  'Attention', // 2023 ORT optimizer's self-attention (cut out as an SA site anyway)
  'MultiHeadAttention', // separate Q/K/V; packed QKV/KV forms are cut out or rewritten (src/onnx/unpack-mha.ts)
  'BiasSplitGelu', // rewritten into standard ops + Gelu in the U-Net's segments (src/onnx/ort-forms.ts)
  'BiasAdd',
  'BiasGelu',
  'FastGelu',
  'Gelu',
  'QuickGelu',
  'SkipLayerNormalization',
]);

/** com.microsoft ops it cannot run, with what to do instead (measured: session creation fails). */
export const CONTRIB_OPS_REFUSED: Readonly<Record<string, string>> = {
  NhwcConv: 're-export without --enable_nhwc_conv (ORT optimizer: --disable_nhwc_conv)',
  GroupNorm: 're-export with --disable_group_norm (GroupNorm runs on onnxruntime-web from 1.31.1)',
  SkipGroupNorm: 're-export with --disable_skip_group_norm (SkipGroupNorm runs on onnxruntime-web from 1.31.1)',
};

const STANDARD_DOMAINS = new Set(['', 'ai.onnx']);

/** Ops of `model` that cannot run here, each with the reason; empty when all can. */
export function unsupportedOps(model: ModelProto): { op: string; count: number; why: string }[] {
  const seen = new Map<string, { op: string; count: number; why: string }>();
  for (const n of model.graph?.node ?? []) {
    const domain = n.domain ?? '';
    if (STANDARD_DOMAINS.has(domain)) continue;
    const op = `${domain}.${n.opType}`;
    let why: string | undefined;
    if (domain !== 'com.microsoft') why = `the custom op domain "${domain}" has no kernels in onnxruntime-web`;
    else if (n.opType in CONTRIB_OPS_REFUSED) why = `onnxruntime-web's WebGPU backend has no kernel for it: ${CONTRIB_OPS_REFUSED[n.opType]}`;
    else if (!CONTRIB_OPS_OK.has(n.opType)) why = 'it is not known to run on onnxruntime-web\'s WebGPU backend';
    if (!why) continue;
    const e = seen.get(op) ?? { op, count: 0, why };
    e.count++;
    seen.set(op, e);
  }
  return [...seen.values()];
}

/**
 * Refuses a pipeline file that cannot run: unsupported ops (any role), and for the U-Net, no
 * self-attention our surgery recognises (UnetStructureError) or inputs we cannot feed
 * (ModelLoadError 'unsupported').
 */
export function preflightModel(role: PipelineRole, file: DecodedOnnx): void {
  const bad = unsupportedOps(file.model);
  if (bad.length) {
    const list = bad.map((b) => `${b.op} (${b.count}×: ${b.why})`).join('; ');
    throw new ModelLoadError('unsupported', `${file.path} cannot run in this app: it uses ${list}.`);
  }
  if (role !== 'unet') return;
  findAttnSites(file.model); // UnetStructureError: not a U-Net our surgery knows
  unetContract(file.io, file.path);
}

/**
 * The loader's preflight for a device: preflightModel's op and structure checks, and fp16 graphs
 * refused up front where the device has no shader-f16.
 */
export function devicePreflight(caps: { shaderF16: boolean }): (role: PipelineRole, file: DecodedOnnx) => void {
  return (role, file) => {
    preflightModel(role, file);
    if (!caps.shaderF16 && usesFloat16(file.model, file.io)) {
      throw new ModelLoadError('unsupported', `${file.path} computes in float16 and needs WebGPU's shader-f16 feature, which this adapter does not offer.`);
    }
  };
}
