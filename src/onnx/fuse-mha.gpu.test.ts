// The ORT-fused form (fuse-mha.ts) of the tiny torch2 U-Net through onnxruntime-web's WebGPU EP
// (Dawn on SwiftShader in Node), where its 32 MultiHeadAttention nodes run as ORT's WebGPU kernels,
// against the unfused model on the onnxruntime-node CPU EP: outputs equal to 1e-4.
import { describe, expect, it } from 'vitest';
import { withGpuDevice } from '../gpu/testing/with-gpu-device.ts';
import { ortWasmDir } from '../gpu/node-gpu.ts';
import { createSession, loadOrt, runSession } from '../gpu/ort.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { unetCase, unetModel } from '../models/testing/cases.ts';
import { maxAbsDiff, normal } from '../models/testing/cpu-run.ts';
import { decodeModel, encodeModel } from './proto.ts';
import { fuseAttentionToMha } from './fuse-mha.ts';

const u = PIPELINE_CONFIGS.tiny.unet;

describe('fused MultiHeadAttention form on the WebGPU EP', () => {
  it('tiny torch2 U-Net, fused: matches the unfused model on the CPU EP to 1e-4', async () => {
    const ort = await loadOrt(ortWasmDir());
    const reference = (await unetCase('tiny', 'torch2', 'float32').run()).out_sample.values;
    const model = decodeModel(unetModel('tiny', 'torch2', 'float32').model);
    expect(fuseAttentionToMha(model)).toEqual({ self: 16, cross: 16 });
    const gpuOut = await withGpuDevice(async (device) => {
      const session = await createSession(ort, device, encodeModel(model));
      try {
        const S = u.sampleSize;
        // the same seeded inputs as unetCase (testing/cpu-run.ts unetFeeds)
        const out = await runSession(session, {
          sample: new ort.Tensor('float32', normal(7, 'sample', 2 * 4 * S * S), [2, 4, S, S]),
          timestep: new ort.Tensor('float32', Float32Array.of(500, 500), [2]),
          encoder_hidden_states: new ort.Tensor('float32', normal(7, 'context', 2 * 77 * u.crossAttentionDim), [2, 77, u.crossAttentionDim]),
        });
        return (await out.out_sample.getData()) as Float32Array;
      } finally {
        await session.release();
      }
    });
    expect(gpuOut.length).toBe(reference.length);
    expect(maxAbsDiff(gpuOut, reference)).toBeLessThanOrEqual(1e-4);
  });
});
