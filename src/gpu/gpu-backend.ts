// The GPU SdBackend: onnxruntime-web WebGPU sessions for the text encoder and the VAE, and the U-Net
// split at its attn1 sites (ORT segments + our WGSL site kernels), all on one GPUDevice. The text
// context stays in a GPU buffer for all steps; latents cross to the CPU once per step. Each
// session is fed the types its own graph declares (fp16 bodies often sit behind fp32 edges).
import { DataType } from '../onnx/proto.ts';
import type { GraphIo, OnnxFile } from '../onnx/model-file.ts';
import type { AttnSite } from '../onnx/sites.ts';
import { splitUnet, type SplitUnet } from '../onnx/surgery.ts';
import { siteGrid } from '../sa/schedule.ts';
import { createSession, runSession, type Ort, type OrtSession, type OrtTensor } from './ort.ts';
import { gpuSiteKernels, UnetRunner } from './unet-runner.ts';
import { planSiteKernels, type KernelPlanOptions, type SiteKernelPlan } from './kernel-check.ts';
import { floatKind, floatTensor, idsTensor, tensorToF32, timestepTensor, type FloatKind } from './ort-tensors.ts';
import type { HostFloats, SdBackend, TextContext } from './sd-backend.ts';

/** The element type `file` declares for its input or output `name`. */
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
  /** SDXL's pooled prompt [B, P] */
  textEmbeds?: OrtTensor;
}

/**
 * The split U-Net on `device` with the SA kernels it will use, which first pass their self-check
 * (planSiteKernels chooses each site's storage path from the tensors' type and the device).
 */
export async function createUnetRunner(ort: Ort, device: GPUDevice, split: SplitUnet, kernels: KernelPlanOptions = {}): Promise<{ runner: UnetRunner; plan: SiteKernelPlan }> {
  const plan = await planSiteKernels(device, split.sites, kernels);
  return { runner: await UnetRunner.create(ort, device, split, gpuSiteKernels(device, split.loaded, plan.variants, plan.attention)), plan };
}

/** The networks of a pipeline as the GPU backend takes them. */
export interface BackendFiles {
  textEncoder: OnnxFile;
  /** SDXL's text_encoder_2 (its presence makes both encoders return CPU outputs: encodeTextOutputs) */
  textEncoder2?: OnnxFile;
  unet: OnnxFile;
  vaeDecoder: OnnxFile;
  vaeEncoder?: OnnxFile;
}

export interface GpuBackendOptions {
  /** before each network's sessions are created (load progress) */
  onSession?: (file: string, index: number, total: number) => void;
  /** per-stage timing: site wall time and timestamp queries (default true) */
  profile?: boolean;
  /** the SA kernels' f16 path and the self-check's test hook (src/gpu/kernel-check.ts) */
  kernels?: KernelPlanOptions;
}

export interface GpuBackend {
  backend: SdBackend;
  /** the U-Net's attn1 sites as found in the graph */
  sites: AttnSite[];
  /** each site's storage path and the self-check behind it */
  plan: SiteKernelPlan;
  unetRunner: UnetRunner;
  release(): Promise<void>;
}

/** Creates every session on `device`, one after another, and returns the backend over them. */
export async function createGpuBackend(ort: Ort, device: GPUDevice, files: BackendFiles, opts: GpuBackendOptions = {}): Promise<GpuBackend> {
  const { onSession, profile = true } = opts;
  const sessions: OrtSession[] = [];
  let runner: UnetRunner | undefined;
  const create = async (f: OnnxFile, outputLocation?: 'gpu-buffer') => {
    const s = await createSession(ort, device, f.bytes, { externalData: f.externalData, outputLocation });
    sessions.push(s);
    return s;
  };
  try {
    const xl = Boolean(files.textEncoder2);
    const total = xl ? 5 : 4;
    onSession?.(files.textEncoder.path, 1, total);
    // SD 1.x/2.x: the context stays on the GPU; SDXL: two encoders' outputs meet on the CPU (small)
    const text = await create(files.textEncoder, xl ? undefined : 'gpu-buffer');
    if (files.textEncoder2) onSession?.(files.textEncoder2.path, 2, total);
    const text2 = files.textEncoder2 ? await create(files.textEncoder2) : undefined;
    onSession?.(files.unet.path, total - 2, total);
    const split = splitUnet(files.unet.bytes, { externalData: files.unet.externalData, decoded: files.unet.model });
    const made = await createUnetRunner(ort, device, split, opts.kernels);
    runner = made.runner;
    onSession?.(files.vaeDecoder.path, total - 1, total);
    const dec = await create(files.vaeDecoder);
    if (files.vaeEncoder) onSession?.(files.vaeEncoder.path, total, total);
    const enc = files.vaeEncoder ? await create(files.vaeEncoder) : undefined;
    const te = files.textEncoder, u = files.unet;
    const idsType = ioType(te.io, te.path, 'inputs', 'input_ids');
    const textKind = floatIo(te.io, te.path, 'outputs', 'last_hidden_state');
    const sampleKind = floatIo(u.io, u.path, 'inputs', 'sample');
    const contextKind = floatIo(u.io, u.path, 'inputs', 'encoder_hidden_states');
    const timestepType = ioType(u.io, u.path, 'inputs', 'timestep');
    const optionalFloat = (name: string) => (u.io.inputs.some((v) => v.name === name) ? floatIo(u.io, u.path, 'inputs', name) : undefined);
    const condKind = optionalFloat('timestep_cond');
    const textEmbedsKind = optionalFloat('text_embeds');
    const timeIdsKind = optionalFloat('time_ids');
    const encoders = [[text, te], ...(text2 ? [[text2, files.textEncoder2!] as const] : [])] as const;
    const latentKind = floatIo(files.vaeDecoder.io, files.vaeDecoder.path, 'inputs', 'latent_sample');
    const imageKind = files.vaeEncoder && floatIo(files.vaeEncoder.io, files.vaeEncoder.path, 'inputs', 'sample');
    const unetRunner = runner;
    const outputsF32 = async (out: Record<string, OrtTensor>, name: string) => {
      try {
        return await tensorToF32(out[name]);
      } finally {
        for (const v of Object.values(out)) v.dispose();
      }
    };

    const backend: SdBackend = {
      sites: split.sites,
      hasVaeEncoder: Boolean(enc),
      async encodeText(ids, batch) {
        const out = await runSession(text, { input_ids: idsTensor(ort, idsType, ids, batch) });
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
      ...(xl && {
        async encodeTextOutputs(index: 0 | 1, ids: Int32Array, batch: number, names: readonly string[]) {
          const [session, file] = encoders[index] ?? [];
          if (!session || !file) throw new Error(`This pipeline has no text encoder ${index + 1}.`);
          const out = await runSession(session, { input_ids: idsTensor(ort, ioType(file.io, file.path, 'inputs', 'input_ids'), ids, batch) }, names);
          try {
            const got: Record<string, HostFloats> = {};
            for (const n of names) got[n] = { data: await tensorToF32(out[n]), dims: out[n].dims as number[] };
            return got;
          } finally {
            for (const v of Object.values(out)) v.dispose();
          }
        },
        textContext(hidden: HostFloats, textEmbeds?: HostFloats) {
          const tensor = floatTensor(ort, contextKind, hidden.data, hidden.dims);
          const pooled = textEmbeds && textEmbedsKind ? floatTensor(ort, textEmbedsKind, textEmbeds.data, textEmbeds.dims) : undefined;
          return { tensor, textEmbeds: pooled, dispose: () => (tensor.dispose(), pooled?.dispose()) } as GpuTextContext;
        },
      }),
      async unet(call) {
        const feeds: Record<string, OrtTensor> = {
          sample: floatTensor(ort, sampleKind, call.sample, [call.B, 4, call.h, call.w]),
          timestep: timestepTensor(ort, timestepType, call.timestep, call.B),
          encoder_hidden_states: (call.context as GpuTextContext).tensor,
        };
        if (condKind && call.timestepCond) feeds.timestep_cond = floatTensor(ort, condKind, call.timestepCond, [call.B, call.timestepCond.length / call.B]);
        const { textEmbeds } = call.context as GpuTextContext;
        if (textEmbedsKind && textEmbeds) feeds.text_embeds = textEmbeds;
        if (timeIdsKind && call.timeIds) feeds.time_ids = floatTensor(ort, timeIdsKind, call.timeIds, [call.B, call.timeIds.length / call.B]);
        const { outputs, timings } = await unetRunner.run(feeds, {
          gridOf: (s) => siteGrid(call.h, call.w, s.level),
          windowOf: call.windowOf,
          profile,
          signal: call.signal,
          onAbort: () => new DOMException('The U-Net call was aborted.', 'AbortError'),
        });
        return { eps: await outputsF32(outputs, 'out_sample'), ...timings };
      },
      async decode(z, h, w) {
        return outputsF32(await runSession(dec, { latent_sample: floatTensor(ort, latentKind, z, [1, 4, h, w]) }), 'sample');
      },
      async encode(x, height, width) {
        return outputsF32(await runSession(enc!, { sample: floatTensor(ort, imageKind!, x, [1, 3, height, width]) }), 'latent_sample');
      },
      sync: () => device.queue.onSubmittedWorkDone(),
    };
    return {
      backend,
      sites: split.sites,
      plan: made.plan,
      unetRunner,
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
