import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildUnet } from '../models/unet.ts';
import { buildTextEncoder } from '../models/text-encoder.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { decodeModel, encodeModel } from './proto.ts';
import { fuseBiasSplitGelu, fuseGelu, fuseQuickGelu, unfuseBiasSplitGelu } from './ort-forms.ts';
import { maxAbsDiff, seededValues } from '../gpu/kernels/check.ts';

const count = (m: ReturnType<typeof decodeModel>, op: string) => m.graph!.node.filter((n) => n.opType === op).length;

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, out: string): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  const r = (await s.run(feeds))[out].data as Float32Array;
  await s.release();
  return r;
}


describe("ORT optimizer op forms (replicas) and their inverse", () => {
  const u = PIPELINE_CONFIGS['tiny-sd2'].unet;
  const plain = buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 2 }).model;
  const feeds = () => ({
    sample: new ort.Tensor('float32', seededValues(2 * 4 * 16 * 16, 1), [2, 4, 16, 16]),
    timestep: new ort.Tensor('float32', new Float32Array([500, 500]), [2]),
    encoder_hidden_states: new ort.Tensor('float32', seededValues(2 * 77 * 32, 2), [2, 77, 32]),
  });

  it('Gelu, then BiasSplitGelu fusion (one per GEGLU), then unfusing it: the U-Net computes the same (≤1e-5)', async () => {
    const m = decodeModel(plain);
    expect(fuseGelu(m)).toBe(16);
    expect(fuseBiasSplitGelu(m)).toBe(16);
    expect([count(m, 'Gelu'), count(m, 'BiasSplitGelu'), count(m, 'Erf')]).toEqual([0, 16, 0]);
    expect(m.graph!.node.find((n) => n.opType === 'BiasSplitGelu')!.name).toBe('BiasSplitGelu_0');
    const fusedGeluOnly = decodeModel(plain);
    fuseGelu(fusedGeluOnly);
    expect(unfuseBiasSplitGelu(m)).toBe(16);
    const ref = await run(plain, feeds(), 'out_sample');
    expect(maxAbsDiff(await run(encodeModel(fusedGeluOnly), feeds(), 'out_sample'), ref)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(await run(encodeModel(m), feeds(), 'out_sample'), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('QuickGelu (CLIP ViT-L text encoder): same output', async () => {
    const te = buildTextEncoder(PIPELINE_CONFIGS.tiny.text, { dtype: 'float32', seed: 2, inputIds: 'int32' }).model;
    const m = decodeModel(te);
    expect(fuseQuickGelu(m)).toBe(2);
    const ids = new ort.Tensor('int32', Int32Array.from({ length: 77 }, (_, i) => (i * 7) % 1000), [1, 77]);
    const a = await run(te, { input_ids: ids }, 'last_hidden_state');
    expect(maxAbsDiff(await run(encodeModel(m), { input_ids: ids }, 'last_hidden_state'), a)).toBeLessThanOrEqual(1e-5);
  });
});
