// A pipeline's files made into a runnable model: the tokenizer, the scheduler's config, the
// U-Net's input contract and the ModelInfo the app shows, over a GPU backend made by a
// BackendHost (the engine's device, or the CLI's and the tests' own).
import { DataType } from '../onnx/proto.ts';
import { usesFloat16 } from '../onnx/model-file.ts';
import type { BackendHost } from '../gpu/runtime.ts';
import type { KernelPlanOptions } from '../gpu/kernel-check.ts';
import type { UnetRunner } from '../gpu/unet-runner.ts';
import type { ModelInfo, Progress } from './engine.ts';
import type { SdPipelineFiles } from './load-pipeline.ts';
import { ModelLoadError } from './model-source.ts';
import type { SdModel } from './sd-pipeline.ts';
import { PromptTokenizer } from './tokenizer.ts';
import { schedulerOptionsFromConfig } from './schedulers/index.ts';
import { unetContract } from './unet-contract.ts';
import { sdxlTextFrom } from './sdxl-conditioning.ts';
import { latentRgbFor } from '../image/latent-preview.ts';

export interface LoadedSdModel extends SdModel {
  info: ModelInfo;
  unetRunner: UnetRunner;
  release(): Promise<void>;
}

export interface SdModelOptions {
  /** the model's id (registry id or 'custom') */
  id: string;
  onProgress?: (p: Progress) => void;
  /** per-stage timing (default true) */
  profile?: boolean;
  /** the SA kernels' f16 path and the self-check's test hook (src/gpu/kernel-check.ts) */
  kernels?: KernelPlanOptions;
}

/**
 * Creates every session on the host's device and returns a ready model. fp16 networks are refused
 * on a device without shader-f16 (the loader's preflight says so earlier, file by file).
 */
export async function createSdModel(host: BackendHost, files: SdPipelineFiles, opts: SdModelOptions): Promise<LoadedSdModel> {
  const { id, onProgress, profile = true } = opts;
  const tokenizer = PromptTokenizer.fromFiles(files.tokenizer);
  const unet = unetContract(files.unet.io, files.unet.path);
  const sdxl = sdxlTextFrom(files);
  if (unet.sdxl && !sdxl) throw new ModelLoadError('missing-file', `${files.unet.path} takes SDXL's text_embeds and time_ids, but the pipeline has no text_encoder_2 and tokenizer_2.`);
  const f16Files = [files.textEncoder, files.textEncoder2, files.unet, files.vaeDecoder, files.vaeEncoder].filter((f) => f && usesFloat16(f.model, f.io)).map((f) => f!.path);
  if (f16Files.length && !host.shaderF16) {
    throw new ModelLoadError('unsupported', `This model computes in float16 (${f16Files.join(', ')}) and needs WebGPU's shader-f16 feature, which this adapter does not offer.`);
  }
  const t0 = performance.now();
  const gpu = await host.createBackend(files, {
    profile,
    kernels: opts.kernels,
    onSession: (file, step, total) => onProgress?.({ stage: 'load', step, total, elapsedMs: performance.now() - t0, file }),
  });
  const { sites, plan } = gpu;
  const info: ModelInfo = {
    id,
    base: files.base,
    attentionStyle: sites[0]?.style ?? 'unknown',
    sites: sites.map((s) => ({ name: s.name, side: s.side, level: s.level, channels: s.channels, heads: s.heads })),
    dtype: sites.some((s) => s.dataType === DataType.FLOAT16) ? 'float16' : 'float32',
    kernels: { variants: plan.variants, checks: plan.checks.map(({ first, ...c }) => (void first, c)), fallback: plan.fallback, warnings: plan.warnings },
    latentChannels: 4,
    vaeScale: 8,
    hasVaeEncoder: gpu.backend.hasVaeEncoder,
    // SDXL base: 1024² (diffusers' default_sample_size 128 × vae_scale_factor 8) and guidance 5.0
    defaults: sdxl ? { width: 1024, height: 1024, steps: 20, guidance: 5, scheduler: 'euler' } : { width: 512, height: 512, steps: 20, guidance: 7.5, scheduler: 'euler' },
    ...(unet.fixedLatent ? { fixedSize: { width: unet.fixedLatent.w * 8, height: unet.fixedLatent.h * 8 } } : {}),
    ...(unet.guidanceEmbeddingDim !== undefined ? { guidanceEmbedding: true } : {}),
  };
  return {
    backend: gpu.backend,
    tokenizer,
    schedulerConfig: schedulerOptionsFromConfig(files.schedulerConfig),
    scalingFactor: Number(files.vaeConfig.scaling_factor ?? 0.18215),
    unet,
    latentRgb: latentRgbFor(files.vaeConfig),
    ...(sdxl && { sdxl }),
    info,
    unetRunner: gpu.unetRunner,
    release: () => gpu.release(),
  };
}
