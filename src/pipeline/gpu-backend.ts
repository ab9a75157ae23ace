// The GPU SdBackend: onnxruntime-web WebGPU sessions for the text encoder and the VAE, the U-Net
// split at its attn1 sites (ORT segments + our WGSL site kernels), all on one GPUDevice. The text
// context stays in a GPU buffer for all steps; latents cross to the CPU once per step.
import { DataType } from '../onnx/proto.ts';
import { usesFloat16, type GraphIo } from '../onnx/model-file.ts';
import { ModelLoadError } from './model-source.ts';
import { unetContract } from './unet-contract.ts';
import { splitUnet } from '../onnx/surgery.ts';
import { siteGrid } from '../sa/schedule.ts';
import { createSession, runSession, type Ort, type OrtSession, type OrtTensor } from '../gpu/ort.ts';
import { addSitePartTimes, gpuSiteKernels, UnetRunner, type SitePartTimes } from '../gpu/unet-runner.ts';
import { planSiteKernels, type KernelPlanOptions } from '../gpu/kernel-check.ts';
import { floatKind, floatTensor, tensorToF32, timestepTensor, type FloatKind } from './tensor-io.ts';
import { GenerationInterrupted, type GenerateRequest, type GenerateResult, type ModelInfo, type Progress } from './engine.ts';
import type { LoadOptions, SdPipelineFiles } from './load-pipeline.ts';
import { preflightModel } from './preflight.ts';
import { generateImage, type RunOptions, type SdBackend, type SdModel, type TextContext, type UnetCall } from './sd-pipeline.ts';
import { PromptTokenizer } from './tokenizer.ts';
import { schedulerOptionsFromConfig } from './schedulers/index.ts';

/** The element type `file` declares for its input or output `name` (each session is fed its own types). */
function ioType(io: GraphIo, file: string, kind: 'inputs' | 'outputs', name: string): DataType {
  const v = io[kind].find((x) => x.name === name);
  if (!v) throw new Error(`${file} has no ${kind === 'inputs' ? 'input' : 'output'} named ${name} (it has ${io[kind].map((x) => x.name).join(', ')}).`);
  return v.dataType;
}

function floatIo(io: GraphIo, file: string, kind: 'inputs' | 'outputs', name: string): FloatKind {
  const t = ioType(io, file, kind, name);
  if (t !== DataType.FLOAT && t !== DataType.FLOAT16) throw new Error(`${file}'s ${name} is ${DataType[t] ?? t}; float32 or float16 expected.`);
  return floatKind(t);
}

/** The text encoder's output, kept in a GPU buffer for every step (owned: disposed at the end). */
interface GpuTextContext extends TextContext {
  tensor: OrtTensor;
}

/** SA site time summed over the U-Net calls since it was last zeroed (profile runs only). */
export interface SiteTimeTotals {
  /** wall time up to queue.onSubmittedWorkDone() */
  wallMs: number;
  /** GPU time per part from timestamp queries; absent without 'timestamp-query' */
  parts?: SitePartTimes;
}

export interface GpuSdModel extends SdModel {
  info: ModelInfo;
  unetRunner: UnetRunner;
  /** summed over the calls since `generateOnGpu` zeroed it */
  siteTimes: SiteTimeTotals;
  release(): Promise<void>;
}

/**
 * One generation on the GPU model, its SA timings from the sites' own clock: `saPool`, `saProject`
 * and `saAttention` are GPU time (method 'timestamp-query') where the device has timestamps.
 */
export async function generateOnGpu(m: GpuSdModel, req: GenerateRequest, opts: RunOptions = {}): Promise<GenerateResult> {
  const totals: SiteTimeTotals = m.siteTimes; // the U-Net calls add to it
  totals.wallMs = 0;
  totals.parts = undefined;
  const r = await generateImage(m, req, opts);
  const parts = m.siteTimes.parts;
  if (!parts) return r;
  return { ...r, timings: { ...r.timings, saPool: parts.pool, saProject: parts.project, saAttention: parts.attention, method: 'timestamp-query' } };
}

/**
 * The loader's preflight on this device: preflightModel's op and structure checks, and fp16 graphs
 * refused up front on an adapter without shader-f16.
 */
export function gpuPreflight(device: GPUDevice): NonNullable<LoadOptions['preflight']> {
  return (role, file) => {
    preflightModel(role, file);
    if (!device.features.has('shader-f16') && usesFloat16(file.model, file.io)) {
      throw new ModelLoadError('unsupported', `${file.path} computes in float16 and needs WebGPU's shader-f16 feature, which this adapter does not offer.`);
    }
  };
}

export interface GpuModelOptions {
  /** the model's id (registry id or 'custom') */
  id: string;
  onProgress?: (p: Progress) => void;
  /** per-stage timing (default true) */
  profile?: boolean;
  /** the SA kernels' f16 path and the self-check's test hook (src/gpu/kernel-check.ts) */
  kernels?: KernelPlanOptions;
}

/**
 * Creates every session on `device` (one after another) and returns a ready model. Before the
 * U-Net's sessions, the SA kernels it will use pass their self-check (planSiteKernels).
 */
export async function createGpuSdModel(ort: Ort, device: GPUDevice, files: SdPipelineFiles, opts: GpuModelOptions): Promise<GpuSdModel> {
  const { id, onProgress, profile = true } = opts;
  const t0 = performance.now();
  const step = (n: number, file: string) => onProgress?.({ stage: 'load', step: n, total: 4, elapsedMs: performance.now() - t0, file });
  const tokenizer = PromptTokenizer.fromFiles(files.tokenizer);
  const unet = unetContract(files.unet.io, files.unet.path);
  const f16Files = [files.textEncoder, files.unet, files.vaeDecoder, files.vaeEncoder].filter((f) => f && usesFloat16(f.model, f.io)).map((f) => f!.path);
  if (f16Files.length && !device.features.has('shader-f16')) {
    throw new ModelLoadError('unsupported', `This model computes in float16 (${f16Files.join(', ')}) and needs WebGPU's shader-f16 feature, which this adapter does not offer.`);
  }
  const sessions: OrtSession[] = [];
  let runner: UnetRunner | undefined;
  try {
    step(1, 'text_encoder/model.onnx');
    const text = await createSession(ort, device, files.textEncoder.bytes, { externalData: files.textEncoder.externalData, outputLocation: 'gpu-buffer' });
    sessions.push(text);
    step(2, 'unet/model.onnx');
    const split = splitUnet(files.unet.bytes, { externalData: files.unet.externalData, decoded: files.unet.model });
    const unetIo = files.unet.io;
    const plan = await planSiteKernels(device, split.sites, opts.kernels);
    runner = await UnetRunner.create(ort, device, split, gpuSiteKernels(device, split.loaded, plan.variants));
    step(3, 'vae_decoder/model.onnx');
    const dec = await createSession(ort, device, files.vaeDecoder.bytes, { externalData: files.vaeDecoder.externalData });
    sessions.push(dec);
    step(4, 'vae_encoder/model.onnx');
    const enc = files.vaeEncoder ? await createSession(ort, device, files.vaeEncoder.bytes, { externalData: files.vaeEncoder.externalData }) : undefined;
    if (enc) sessions.push(enc);
    // Every session is fed the types its own graph declares (fp16 bodies often sit behind fp32 edges).
    const idsType = ioType(files.textEncoder.io, 'text_encoder/model.onnx', 'inputs', 'input_ids');
    const textKind = floatIo(files.textEncoder.io, 'text_encoder/model.onnx', 'outputs', 'last_hidden_state');
    const sampleKind = floatIo(unetIo, 'unet/model.onnx', 'inputs', 'sample');
    const contextKind = floatIo(unetIo, 'unet/model.onnx', 'inputs', 'encoder_hidden_states');
    const timestepType = ioType(unetIo, 'unet/model.onnx', 'inputs', 'timestep');
    const condKind = unet.guidanceEmbeddingDim === undefined ? undefined : floatIo(unetIo, 'unet/model.onnx', 'inputs', 'timestep_cond');
    const latentKind = floatIo(files.vaeDecoder.io, 'vae_decoder/model.onnx', 'inputs', 'latent_sample');
    const imageKind = files.vaeEncoder && floatIo(files.vaeEncoder.io, 'vae_encoder/model.onnx', 'inputs', 'sample');
    const unetRunner = runner;
    const siteTimes: SiteTimeTotals = { wallMs: 0 };

    const backend: SdBackend = {
      sites: split.sites,
      hasVaeEncoder: Boolean(enc),
      async encodeText(ids, batch) {
        const t =
          idsType === DataType.INT64
            ? new ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [batch, 77])
            : new ort.Tensor('int32', ids, [batch, 77]);
        const out = await runSession(text, { input_ids: t });
        for (const [k, v] of Object.entries(out)) if (k !== 'last_hidden_state') v.dispose();
        let tensor: OrtTensor = out.last_hidden_state;
        if (textKind !== contextKind) {
          // the U-Net wants the context in another float type: convert once per generation on the CPU
          const [values, dims] = [await tensorToF32(tensor), tensor.dims as number[]];
          tensor.dispose();
          tensor = floatTensor(ort, contextKind, values, dims);
        }
        return { tensor, dispose: () => tensor.dispose() } as GpuTextContext;
      },
      async unet(call: UnetCall) {
        const feeds: Record<string, OrtTensor> = {
          sample: floatTensor(ort, sampleKind, call.sample, [call.B, 4, call.h, call.w]),
          timestep: timestepTensor(ort, timestepType, call.timestep, call.B),
          encoder_hidden_states: (call.context as GpuTextContext).tensor,
        };
        if (condKind && call.timestepCond) feeds.timestep_cond = floatTensor(ort, condKind, call.timestepCond, [call.B, unet.guidanceEmbeddingDim!]);
        const { outputs, timings } = await unetRunner.run(feeds, {
          gridOf: (s) => siteGrid(call.h, call.w, s.level),
          windowOf: call.windowOf,
          profile,
          signal: call.signal,
          onAbort: () => new GenerationInterrupted(),
        });
        siteTimes.wallMs += timings.siteMs;
        if (timings.siteParts) siteTimes.parts = addSitePartTimes(siteTimes.parts, timings.siteParts);
        try {
          return { eps: await tensorToF32(outputs.out_sample), ortMs: timings.ortMs, siteMs: timings.siteMs };
        } finally {
          for (const v of Object.values(outputs)) v.dispose();
        }
      },
      async decode(z, h, w) {
        const out = await runSession(dec, { latent_sample: floatTensor(ort, latentKind, z, [1, 4, h, w]) });
        try {
          return await tensorToF32(out.sample);
        } finally {
          for (const v of Object.values(out)) v.dispose();
        }
      },
      async encode(x, height, width) {
        const out = await runSession(enc!, { sample: floatTensor(ort, imageKind!, x, [1, 3, height, width]) });
        try {
          return await tensorToF32(out.latent_sample);
        } finally {
          for (const v of Object.values(out)) v.dispose();
        }
      },
      sync: () => device.queue.onSubmittedWorkDone(),
    };
    const info: ModelInfo = {
      id,
      base: files.base,
      attentionStyle: split.sites[0]?.style ?? 'unknown',
      sites: split.sites.map((s) => ({ name: s.name, side: s.side, level: s.level, channels: s.channels, heads: s.heads })),
      dtype: split.sites.some((s) => s.dataType === DataType.FLOAT16) ? 'float16' : 'float32',
      kernels: { variants: plan.variants, checks: plan.checks.map(({ first, ...c }) => (void first, c)), fallback: plan.fallback, warnings: plan.warnings },
      latentChannels: 4,
      vaeScale: 8,
      hasVaeEncoder: Boolean(enc),
      defaults: { width: 512, height: 512, steps: 20, guidance: 7.5, scheduler: 'euler' },
      ...(unet.fixedLatent ? { fixedSize: { width: unet.fixedLatent.w * 8, height: unet.fixedLatent.h * 8 } } : {}),
      ...(unet.guidanceEmbeddingDim !== undefined ? { guidanceEmbedding: true } : {}),
    };
    return {
      backend,
      tokenizer,
      schedulerConfig: schedulerOptionsFromConfig(files.schedulerConfig),
      scalingFactor: Number(files.vaeConfig.scaling_factor ?? 0.18215),
      unet,
      info,
      unetRunner,
      siteTimes,
      async release() {
        for (const s of sessions) await s.release();
        await unetRunner.release();
      },
    };
  } catch (e) {
    for (const s of sessions) await s.release();
    await runner?.release();
    throw e;
  }
}
