// The tiny U-Net through onnxruntime-web's WebGPU EP (Dawn on SwiftShader in Node) against the
// onnxruntime-node CPU EP reference: same inputs, outputs equal to 1e-4.
import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../gpu/testing/with-gpu-device.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { createSession, loadOrt, runSession } from '../gpu/ort.ts';
import { PIPELINE_CONFIGS } from './configs.ts';
import { readModel, writeModel } from '../onnx/model-file.ts';
import { unpackPackedMha } from '../onnx/unpack-mha.ts';
import { unetCase, unetModel } from './testing/cases.ts';
import { maxAbsDiff, normal } from './testing/cpu-run.ts';
import type { AttentionStyle } from './attention.ts';

const u = PIPELINE_CONFIGS.tiny.unet;

describe('tiny U-Net on the WebGPU EP', () => {
  // torch2 (the plain export) and ort-fused (MultiHeadAttention; packed QKV/KV has no WebGPU kernel
  // in onnxruntime-web 1.30, so it runs after unpackPackedMha, like on the CPU EP). torch1 is left
  // out to keep SwiftShader time down: the styles agree on the CPU EP to 1e-5 (unet-tiny.test.ts).
  it.each(['torch2', 'ort-fused'] as AttentionStyle[])('%s at the default 16×16 latent matches the CPU EP to 1e-4', async (style) => {
    const ort = await loadOrt(ortWasmDir());
    const reference = (await unetCase('tiny', style, 'float32').run()).out_sample.values;
    const gpuOut = await withGpuDevice(async (device) => {
      const loaded = readModel(unetModel('tiny', style, 'float32').model);
      const bytes = unpackPackedMha(loaded.model) ? writeModel(loaded.model) : unetModel('tiny', style, 'float32').model;
      const session = await createSession(ort, device, bytes);
      try {
        const S = u.sampleSize;
        // the same seeded inputs as unetCase (testing/cpu-run.ts unetFeeds)
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
    expect(maxAbsDiff(gpuOut, reference)).toBeLessThanOrEqual(1e-4);
  });
});
