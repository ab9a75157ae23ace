// A CPU SdBackend on onnxruntime-node: the reference the GPU pipeline is compared with. The U-Net
// runs split with CPU reference sites (SA per SPEC_SA), or unsplit (plain attention) for checks.
import * as ortNode from 'onnxruntime-node';
import { splitUnet } from '../../onnx/surgery.ts';
import { siteGrid } from '../../sa/schedule.ts';
import { createCpuSplitRunner } from '../../onnx/testing/cpu-split-runner.ts';
import { DataType, decodeModel, encodeModel } from '../../onnx/proto.ts';
import { unpackPackedMha } from '../../onnx/unpack-mha.ts';
import { unfuseBiasSplitGelu } from '../../onnx/ort-forms.ts';
import type { SdPipelineFiles } from '../load-pipeline.ts';
import type { OnnxFile } from '../../onnx/model-file.ts';
import { fromHalf, toHalf } from '../../onnx/float16.ts';
import type { SdModel } from '../sd-pipeline.ts';
import type { SdBackend, TextContext } from '../../gpu/sd-backend.ts';
import { PromptTokenizer } from '../tokenizer.ts';
import { schedulerOptionsFromConfig } from '../schedulers/index.ts';
import { unetContract } from '../unet-contract.ts';
import { sdxlTextFrom } from '../sdxl-conditioning.ts';
import { latentRgbFor } from '../../image/latent-preview.ts';

function cpuModel(bytes: Uint8Array): Uint8Array {
  const m = decodeModel(bytes);
  return unpackPackedMha(m) + unfuseBiasSplitGelu(m) ? encodeModel(m) : bytes;
}

export interface CpuSdModel extends SdModel {
  /**
   * The same sessions with the U-Net split at its sites (CPU reference SA): the model itself unless
   * it was made `unsplit`, so that one model serves both references.
   */
  split: SdModel;
  release(): Promise<void>;
}

export async function createCpuSdModel(files: SdPipelineFiles, opts: { unsplit?: boolean } = {}): Promise<CpuSdModel> {
  const create = (f: { bytes: Uint8Array; externalData: { path: string; data: Uint8Array }[] }) => ortNode.InferenceSession.create(cpuModel(f.bytes), { externalData: f.externalData });
  const text = await create(files.textEncoder);
  const text2 = files.textEncoder2 ? await create(files.textEncoder2) : undefined;
  const dec = await create(files.vaeDecoder);
  const enc = files.vaeEncoder ? await create(files.vaeEncoder) : undefined;
  const split = splitUnet(files.unet.bytes, { externalData: files.unet.externalData, decoded: files.unet.model });
  const runner = await createCpuSplitRunner(split);
  const whole = opts.unsplit ? await create(files.unet) : undefined;
  // each session is fed the float types its graph declares (fp16 models as well as fp32 ones)
  const typeOf = (f: OnnxFile, name: string) => f.io.inputs.find((v) => v.name === name)?.dataType;
  const float = (f: OnnxFile, name: string, data: Float32Array, dims: number[]) =>
    typeOf(f, name) === DataType.FLOAT16 ? new ortNode.Tensor('float16', toHalf(data), dims) : new ortNode.Tensor('float32', data, dims);
  const values = (t: ortNode.Tensor) => (t.type === 'float16' ? fromHalf(t.data as Uint16Array) : (t.data as Float32Array));
  const idsTensor = (f: OnnxFile, ids: Int32Array, batch: number) => {
    const dims = [batch, ids.length / batch];
    return (typeOf(f, 'input_ids') ?? DataType.INT32) === DataType.INT64 ? new ortNode.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), dims) : new ortNode.Tensor('int32', ids, dims);
  };
  type CpuContext = TextContext & { tensor: ortNode.Tensor; textEmbeds?: ortNode.Tensor };
  const backendWith = (unsplitUnet: ortNode.InferenceSession | undefined): SdBackend => ({
    sites: split.sites,
    hasVaeEncoder: Boolean(enc),
    async encodeText(ids, batch) {
      const out = await text.run({ input_ids: idsTensor(files.textEncoder, ids, batch) });
      return { tensor: out.last_hidden_state, dispose() {} } as CpuContext;
    },
    async encodeTextOutputs(index, ids, batch, names) {
      const [session, file] = index === 0 ? [text, files.textEncoder] : [text2, files.textEncoder2];
      if (!session || !file) throw new Error(`No text encoder ${index + 1}.`);
      const out = await session.run({ input_ids: idsTensor(file, ids, batch) }, [...names]);
      return Object.fromEntries(names.map((n) => [n, { data: values(out[n]), dims: out[n].dims as number[] }]));
    },
    textContext(hidden, textEmbeds) {
      const tensor = new ortNode.Tensor('float32', hidden.data, hidden.dims);
      return { tensor, ...(textEmbeds && { textEmbeds: new ortNode.Tensor('float32', textEmbeds.data, textEmbeds.dims) }), dispose() {} } as CpuContext;
    },
    async unet(call) {
      const { tensor: context, textEmbeds } = call.context as CpuContext;
      const timestep = typeOf(files.unet, 'timestep') === DataType.INT64
        ? new ortNode.Tensor('int64', BigInt64Array.from({ length: call.B }, () => BigInt(Math.round(call.timestep))), [call.B])
        : float(files.unet, 'timestep', new Float32Array(call.B).fill(call.timestep), [call.B]);
      const feeds: Record<string, ortNode.Tensor> = {
        sample: float(files.unet, 'sample', call.sample, [call.B, 4, call.h, call.w]),
        timestep,
        encoder_hidden_states: float(files.unet, 'encoder_hidden_states', values(context), context.dims as number[]),
      };
      if (call.timestepCond) feeds.timestep_cond = float(files.unet, 'timestep_cond', call.timestepCond, [call.B, call.timestepCond.length / call.B]);
      if (textEmbeds) feeds.text_embeds = float(files.unet, 'text_embeds', values(textEmbeds), textEmbeds.dims as number[]);
      if (call.timeIds) feeds.time_ids = float(files.unet, 'time_ids', call.timeIds, [call.B, call.timeIds.length / call.B]);
      const out = unsplitUnet ? await unsplitUnet.run(feeds) : await runner.run(feeds, (s) => ({ window: call.windowOf(s), ...siteGrid(call.h, call.w, s.level) }));
      return { eps: values(out.out_sample), ortMs: 0, siteMs: 0 };
    },
    async decode(z, h, w) {
      return values((await dec.run({ latent_sample: float(files.vaeDecoder, 'latent_sample', z, [1, 4, h, w]) })).sample);
    },
    async encode(x, height, width) {
      return values((await enc!.run({ sample: float(files.vaeEncoder!, 'sample', x, [1, 3, height, width]) })).latent_sample);
    },
    sync: async () => undefined,
  });
  const sdxl = sdxlTextFrom(files);
  const base: SdModel = {
    backend: backendWith(undefined),
    tokenizer: PromptTokenizer.fromFiles(files.tokenizer),
    schedulerConfig: schedulerOptionsFromConfig(files.schedulerConfig),
    scalingFactor: Number(files.vaeConfig.scaling_factor ?? 0.18215),
    unet: unetContract(files.unet.io, files.unet.path),
    latentRgb: latentRgbFor(files.vaeConfig),
    ...(sdxl && { sdxl }),
  };
  return {
    ...base,
    backend: whole ? backendWith(whole) : base.backend,
    split: base,
    async release() {
      for (const s of [text, text2, dec, enc, whole]) await s?.release();
      await runner.release();
    },
  };
}
