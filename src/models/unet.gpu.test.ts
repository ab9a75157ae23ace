// The tiny U-Net through onnxruntime-web's WebGPU EP (Dawn on SwiftShader in Node) against the
// onnxruntime-node CPU EP reference: same inputs, outputs equal to 1e-4. Three forms of the graph in
// one file (one process: ORT's WebGPU context keeps the shaders it compiled for the first form):
// the plain torch2 export, the ort-fused export, and torch2 fused by src/onnx/fuse-mha.ts.
import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../gpu/testing/with-gpu-device.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { createSession, loadOrt, runSession } from '../gpu/ort.ts';
import { PIPELINE_CONFIGS } from './configs.ts';
import { readModel, writeModel } from '../onnx/model-file.ts';
import { unpackPackedMha } from '../onnx/unpack-mha.ts';
import { decodeModel, encodeModel } from '../onnx/proto.ts';
import { fuseAttentionToMha } from '../onnx/fuse-mha.ts';
import { unetCase, unetModel } from './testing/cases.ts';
import { maxAbsDiff, normal } from './testing/cpu-run.ts';
import type { AttentionStyle } from './attention.ts';

const u = PIPELINE_CONFIGS.tiny.unet;

/** The model on the WebGPU EP with the same seeded inputs as unetCase (testing/cpu-run.ts unetFeeds). */
async function runOnWebGpu(bytes: Uint8Array): Promise<Float32Array> {
  const ort = await loadOrt(ortWasmDir());
  return withGpuDevice(async (device) => {
    const session = await createSession(ort, device, bytes);
    try {
      const S = u.sampleSize;
      const out = await runSession(session, {
        sample: new ort.Tensor('float32', normal(7, 'sample', 2 * 4 * S * S), [2, 4, S, S]),
        timestep: new ort.Tensor('float32', Float32Array.of(500, 500), [2]),
        encoder_hidden_states: new ort.Tensor('float32', normal(7, 'context', 2 * 77 * u.crossAttentionDim), [2, 77, u.crossAttentionDim]),
      });
      expect(out.out_sample.dims).toEqual([2, 4, S, S]);
      return (await out.out_sample.getData()) as Float32Array;
    } finally {
      await session.release();
    }
  });
}

describe('tiny U-Net on the WebGPU EP', () => {
  // The fused MultiHeadAttention form (fuse-mha.ts): its 32 MultiHeadAttention nodes run as ORT's
  // WebGPU kernels, against the unfused model on the CPU EP. First, so that the torch2
  // test after it reuses the CPU EP's torch2 session (testing/cases.ts keeps the last one).
  it('torch2 fused by fuseAttentionToMha: matches the unfused model on the CPU EP to 1e-4', async () => {
    const reference = (await unetCase('tiny', 'torch2', 'float32').run()).out_sample.values;
    const model = decodeModel(unetModel('tiny', 'torch2', 'float32').model);
    expect(fuseAttentionToMha(model)).toEqual({ self: 16, cross: 16 });
    const gpuOut = await runOnWebGpu(encodeModel(model));
    expect(gpuOut.length).toBe(reference.length);
    expect(maxAbsDiff(gpuOut, reference)).toBeLessThanOrEqual(1e-4);
  });

  // torch2 (the plain export) and ort-fused (MultiHeadAttention; packed QKV/KV has no WebGPU kernel
  // in onnxruntime-web 1.30, so it runs after unpackPackedMha, like on the CPU EP). torch1 is left
  // out to keep SwiftShader time down: the styles agree on the CPU EP to 1e-5 (unet-tiny.test.ts).
  it.each(['torch2', 'ort-fused'] as AttentionStyle[])('%s at the default 16×16 latent matches the CPU EP to 1e-4', async (style) => {
    const reference = (await unetCase('tiny', style, 'float32').run()).out_sample.values;
    const loaded = readModel(unetModel('tiny', style, 'float32').model);
    const bytes = unpackPackedMha(loaded.model) ? writeModel(loaded.model) : unetModel('tiny', style, 'float32').model;
    expect(maxAbsDiff(await runOnWebGpu(bytes), reference)).toBeLessThanOrEqual(1e-4);
  });
});
