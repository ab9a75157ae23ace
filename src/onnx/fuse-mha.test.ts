import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { buildUnet } from '../models/unet.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { decodeModel, encodeModel } from './proto.ts';
import { fuseAttentionToMha } from './fuse-mha.ts';
import { findAttnSites } from './sites.ts';
import { seededValues } from '../gpu/kernels/check.ts';

const u = PIPELINE_CONFIGS.tiny.unet;

function feeds(B: number, H: number, W: number) {
  return {
    sample: new ortNode.Tensor('float32', seededValues(B * u.inChannels * H * W, 11), [B, u.inChannels, H, W]),
    timestep: new ortNode.Tensor('float32', new Float32Array(B).fill(601), [B]),
    encoder_hidden_states: new ortNode.Tensor('float32', seededValues(B * 77 * u.crossAttentionDim, 12), [B, 77, u.crossAttentionDim]),
  };
}

async function run(bytes: Uint8Array, f: Record<string, ortNode.Tensor>): Promise<Float32Array> {
  const s = await ortNode.InferenceSession.create(bytes);
  const out = await s.run(f);
  await s.release();
  return out.out_sample.data as Float32Array;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fuseAttentionToMha (onnxruntime-node CPU)', () => {
  it.each(['torch2', 'torch1'] as const)('%s tiny U-Net: every attention becomes MultiHeadAttention and out_sample stays within 1e-5', async (style) => {
    const built = buildUnet(u, { attention: style, dtype: 'float32', seed: 3 });
    const model = decodeModel(built.model);
    const before = model.graph!.node.length;
    expect(fuseAttentionToMha(model)).toEqual({ self: 16, cross: 16 });
    const ops = model.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Softmax')).toHaveLength(0);
    expect(model.graph!.node.filter((n) => n.opType === 'MultiHeadAttention' && n.domain === 'com.microsoft' && n.input.length === 3)).toHaveLength(32);
    expect(model.graph!.node.length).toBeLessThan(before);
    const fused = encodeModel(model);
    // the split sees the same 16 self-attention sites, now in the ORT form
    const sites = findAttnSites(decodeModel(fused));
    expect(sites.map((s) => s.style)).toEqual(Array(16).fill('ort-mha'));
    expect(sites.map((s) => s.name)).toEqual(findAttnSites(decodeModel(built.model)).map((s) => s.name));
    const f = feeds(2, 24, 40);
    const [ref, got] = [await run(built.model, f), await run(fused, f)];
    expect(got.length).toBe(ref.length);
    expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(1e-5);
  });

  it('leaves a model without MatMul–Softmax–MatMul attention as it is', () => {
    const model = decodeModel(buildUnet(u, { attention: 'ort-mha', dtype: 'float32', seed: 3 }).model);
    const nodes = model.graph!.node.length;
    expect(fuseAttentionToMha(model)).toEqual({ self: 0, cross: 0 });
    expect(model.graph!.node.length).toBe(nodes);
  });
});
