import { describe, expect, it } from 'vitest';
import { buildReplica } from '../models/replicas.ts';
import { buildUnet } from '../models/unet.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { decodeModel } from '../onnx/proto.ts';
import { graphIo } from '../onnx/model-file.ts';
import { preflightModel, unsupportedOps } from './preflight.ts';
import { ModelLoadError } from './model-source.ts';
import { detectLayout } from './load-pipeline.ts';
import { UnetStructureError } from '../onnx/sites.ts';

const unetOf = (bytes: Uint8Array) => {
  const model = decodeModel(bytes);
  return { path: 'unet/model.onnx', model, io: graphIo(model) };
};

describe('preflight', () => {
  it('lets every replica of a public model through (each file, each role)', () => {
    for (const id of ['sd-turbo', 'sd15-webnn', 'sd21-base', 'lcm-dreamshaper-v7'] as const) {
      for (const [path, bytes] of buildReplica(id).files) {
        if (!path.endsWith('.onnx')) continue;
        const model = decodeModel(bytes);
        const role = /unet/.test(path) ? 'unet' : /text/.test(path) ? 'textEncoder' : /decoder/.test(path) ? 'vaeDecoder' : 'vaeEncoder';
        expect(() => preflightModel(role, { path, model, io: graphIo(model) }), `${id} ${path}`).not.toThrow();
      }
    }
  });

  it("an ORT-optimizer-default form (GroupNorm, NhwcConv) is refused naming each op, how often, and what to do", () => {
    const f = unetOf(buildUnet(PIPELINE_CONFIGS.tiny.unet, { attention: 'ort-fused', dtype: 'float32', seed: 1 }).model);
    // what fusion_group_norm.py and fusion_nhwc_conv.py write: com.microsoft GroupNorm and NhwcConv
    const convs = f.model.graph!.node.filter((n) => n.opType === 'Conv').slice(0, 2);
    for (const n of convs) [n.opType, n.domain] = ['NhwcConv', 'com.microsoft'];
    const norm = f.model.graph!.node.find((n) => n.opType === 'InstanceNormalization')!;
    [norm.opType, norm.domain] = ['GroupNorm', 'com.microsoft'];
    expect(unsupportedOps(f.model).map((b) => [b.op, b.count])).toEqual([['com.microsoft.NhwcConv', 2], ['com.microsoft.GroupNorm', 1]]);
    let err: unknown;
    try {
      preflightModel('unet', f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).kind).toBe('unsupported');
    expect((err as Error).message).toMatch(/^unet\/model\.onnx cannot run in this app: it uses com\.microsoft\.NhwcConv \(2×: .*--disable_nhwc_conv\)\); com\.microsoft\.GroupNorm \(1×: .*--disable_group_norm/);
  });

  it('unknown contrib ops and custom domains are refused; standard ops pass', () => {
    const f = unetOf(buildUnet(PIPELINE_CONFIGS.tiny.unet, { attention: 'torch2', dtype: 'float32', seed: 1 }).model);
    expect(unsupportedOps(f.model)).toEqual([]);
    f.model.graph!.node[0].domain = 'com.microsoft';
    f.model.graph!.node[0].opType = 'PackedMultiHeadAttention';
    f.model.graph!.node[1].domain = 'ai.onnx.contrib';
    expect(unsupportedOps(f.model).map((b) => b.op)).toEqual(['com.microsoft.PackedMultiHeadAttention', 'ai.onnx.contrib.' + f.model.graph!.node[1].opType]);
  });

  it('a U-Net without self-attention we know, or with an input we cannot feed, is refused before its weights', () => {
    const text = buildReplica('sd-turbo').files.get('text_encoder/model.onnx')!;
    expect(() => preflightModel('unet', unetOf(text))).toThrow(UnetStructureError);
    const f = unetOf(buildUnet(PIPELINE_CONFIGS.tiny.unet, { attention: 'torch2', dtype: 'float32', seed: 1 }).model);
    f.io.inputs.push({ name: 'text_embeds', dataType: 1, dims: [undefined, 1280] });
    expect(() => preflightModel('unet', f)).toThrow(/text_embeds but no time_ids: an SDXL U-Net takes both/);
    f.io.inputs.pop();
    f.io.inputs.push({ name: 'class_labels', dataType: 7, dims: [undefined] });
    expect(() => preflightModel('unet', f)).toThrow(/"class_labels" that this app does not know how to feed/);
  });
});

describe('detectLayout (local folders)', () => {
  it("diffusers' layout needs no map", () => {
    expect(detectLayout(['unet/model.onnx', 'text_encoder/model.onnx'])).toBeUndefined();
  });
  it('a flat folder (Microsoft\'s WebNN export) is mapped by the names of its .onnx files', () => {
    const names = [...buildReplica('sd15-webnn').files.keys(), 'tokenizer.json', 'vocab.json'];
    expect(detectLayout(names)).toEqual({
      unet: 'sd-unet-v1.5-model-b2c4h64w64s77-float16-compute-and-inputs-layernorm.onnx',
      textEncoder: 'text-encoder.onnx',
      vaeDecoder: 'Stable-Diffusion-v1.5-vae-decoder-float16-fp32-instancenorm.onnx',
      vaeEncoder: null,
      tokenizerDir: '',
    });
  });
});
