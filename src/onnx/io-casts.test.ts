import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { castFloat16IoToFloat32 } from './io-casts.ts';
import { decodeModel, encodeModel, DataType } from './proto.ts';
import { graphIo, usesFloat16 } from './model-file.ts';
import { fromHalf, toHalf } from './float16.ts';
import { buildVaeDecoder } from '../models/vae.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { checkClose, seededValues } from '../gpu/kernels/check.ts';

describe('castFloat16IoToFloat32 (fp16 body behind fp32 edges)', () => {
  const half = buildVaeDecoder(PIPELINE_CONFIGS.tiny.vae, { dtype: 'float16', seed: 3, external: false }).model;
  const m = decodeModel(half);
  const before = graphIo(m);
  expect(castFloat16IoToFloat32(m)).toBe(2);
  const wrapped = encodeModel(m);

  it('makes the fp16 graph inputs and outputs float32 behind Cast nodes named as onnxruntime\'s float16 converter names them', () => {
    expect(before.inputs.map((v) => v.dataType)).toEqual([DataType.FLOAT16]);
    const io = graphIo(decodeModel(wrapped));
    expect(io.inputs.map((v) => [v.name, v.dataType])).toEqual([['latent_sample', DataType.FLOAT]]);
    expect(io.outputs.map((v) => [v.name, v.dataType])).toEqual([['sample', DataType.FLOAT]]);
    const nodes = decodeModel(wrapped).graph!.node;
    expect(nodes[0]).toMatchObject({ opType: 'Cast', name: 'graph_input_cast0', input: ['latent_sample'], output: ['graph_input_cast_0'] });
    expect(nodes.at(-1)).toMatchObject({ opType: 'Cast', name: 'graph_output_cast0', input: ['graph_output_cast_0'], output: ['sample'] });
    expect(nodes.slice(1, -1).some((n) => n.input.includes('latent_sample') || n.output.includes('sample'))).toBe(false);
    // the body is still fp16
    expect(usesFloat16(decodeModel(wrapped))).toBe(true);
  });

  // onnxruntime's CPU EP runs most fp16 ops in fp32 between inserted Casts and removes redundant
  // Cast pairs, so the fp32-edge graph's output is not rounded to fp16 at the end: equal within
  // one fp16 rounding (2^-11 relative) rather than bit for bit.
  it('computes what the fp16 graph computes, within one fp16 rounding (onnxruntime-node)', async () => {
    const x = Float32Array.from(fromHalf(toHalf(seededValues(4 * 8 * 8, 5, 2))));
    const a = await ort.InferenceSession.create(half);
    const b = await ort.InferenceSession.create(wrapped);
    const ya = (await a.run({ latent_sample: new ort.Tensor('float16', toHalf(x), [1, 4, 8, 8]) })).sample;
    const yb = (await b.run({ latent_sample: new ort.Tensor('float32', x, [1, 4, 8, 8]) })).sample;
    expect(yb.type).toBe('float32');
    const r = checkClose(yb.data as Float32Array, fromHalf(ya.data as Uint16Array), { tol: 1e-6, eps: 2 ** -11 });
    expect(r.ok, r.first.join('; ')).toBe(true);
    await a.release();
    await b.release();
  });

  it('leaves a float32 graph alone', () => {
    const f32 = decodeModel(buildVaeDecoder(PIPELINE_CONFIGS.tiny.vae, { dtype: 'float32', seed: 3, external: false }).model);
    expect(castFloat16IoToFloat32(f32)).toBe(0);
    expect(usesFloat16(f32)).toBe(false);
  });
});
