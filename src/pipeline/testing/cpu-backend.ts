// A CPU SdBackend on onnxruntime-node: the reference the GPU pipeline is compared with. The U-Net
// runs split with CPU reference sites (SA per SPEC_SA), or unsplit (plain attention) for checks.
import * as ortNode from 'onnxruntime-node';
import { splitUnet } from '../../onnx/surgery.ts';
import { siteGrid } from '../../sa/schedule.ts';
import { createCpuSplitRunner } from '../../onnx/testing/cpu-split-runner.ts';
import { DataType, decodeModel, encodeModel } from '../../onnx/proto.ts';
import { unpackPackedMha } from '../../onnx/unpack-mha.ts';
import type { SdPipelineFiles } from '../load-pipeline.ts';
import type { SdBackend, SdModel, TextContext } from '../sd-pipeline.ts';
import { PromptTokenizer } from '../tokenizer.ts';
import { schedulerOptionsFromConfig } from '../schedulers/index.ts';

function cpuModel(bytes: Uint8Array): Uint8Array {
  const m = decodeModel(bytes);
  return unpackPackedMha(m) ? encodeModel(m) : bytes;
}

export async function createCpuSdModel(files: SdPipelineFiles, opts: { unsplit?: boolean } = {}): Promise<SdModel & { release(): Promise<void> }> {
  const create = (f: { bytes: Uint8Array; externalData: { path: string; data: Uint8Array }[] }) => ortNode.InferenceSession.create(cpuModel(f.bytes), { externalData: f.externalData });
  const text = await create(files.textEncoder);
  const dec = await create(files.vaeDecoder);
  const enc = files.vaeEncoder ? await create(files.vaeEncoder) : undefined;
  const split = splitUnet(files.unet.bytes, { externalData: files.unet.externalData });
  const runner = await createCpuSplitRunner(split);
  const whole = opts.unsplit ? await create(files.unet) : undefined;
  const idsType = decodeModel(files.textEncoder.bytes).graph!.input[0].type?.value;
  const textIds = idsType?.case === 'tensorType' ? idsType.value.elemType : DataType.INT32;
  const backend: SdBackend = {
    sites: split.sites,
    hasVaeEncoder: Boolean(enc),
    async encodeText(ids, batch) {
      const t = textIds === DataType.INT64 ? new ortNode.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [batch, 77]) : new ortNode.Tensor('int32', ids, [batch, 77]);
      const out = await text.run({ input_ids: t });
      return { tensor: out.last_hidden_state, dispose() {} } as TextContext;
    },
    async unet(call) {
      const feeds = {
        sample: new ortNode.Tensor('float32', call.sample, [call.B, 4, call.h, call.w]),
        timestep: new ortNode.Tensor('float32', new Float32Array(call.B).fill(call.timestep), [call.B]),
        encoder_hidden_states: (call.context as unknown as { tensor: ortNode.Tensor }).tensor,
      };
      const out = whole ? await whole.run(feeds) : await runner.run(feeds, (s) => ({ window: call.windowOf(s), ...siteGrid(call.h, call.w, s.level) }));
      return { eps: out.out_sample.data as Float32Array, ortMs: 0, siteMs: 0 };
    },
    async decode(z, h, w) {
      return (await dec.run({ latent_sample: new ortNode.Tensor('float32', z, [1, 4, h, w]) })).sample.data as Float32Array;
    },
    async encode(x, height, width) {
      return (await enc!.run({ sample: new ortNode.Tensor('float32', x, [1, 3, height, width]) })).latent_sample.data as Float32Array;
    },
    sync: async () => undefined,
  };
  return {
    backend,
    tokenizer: PromptTokenizer.fromFiles(files.tokenizer),
    schedulerConfig: schedulerOptionsFromConfig(files.schedulerConfig),
    scalingFactor: Number(files.vaeConfig.scaling_factor ?? 0.18215),
    async release() {
      for (const s of [text, dec, enc, whole]) await s?.release();
      await runner.release();
    },
  };
}
