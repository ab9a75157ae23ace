import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { externalize, externalRef, readModel, writeModel, ModelFormatError } from './model-file.ts';
import { selfCheckModel, selfCheckWeights } from '../gpu/selfcheck-model.ts';
import { buildVaeDecoder } from '../models/vae.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { Rng } from '../models/rng.ts';

const f32 = (b: Uint8Array) => new Float32Array(b.slice().buffer);

describe('model-file', () => {
  it('reads initializers as views of the file bytes', () => {
    const bytes = selfCheckModel();
    const m = readModel(bytes);
    const w = m.initializerBytes('W');
    expect(w.buffer).toBe(bytes.buffer); // zero-copy
    expect(f32(w)).toEqual(selfCheckWeights().w);
    expect(() => m.initializerBytes('nope')).toThrow(ModelFormatError);
  });

  it('reads EXTERNAL initializers as views of the blob, and says which blob is missing', () => {
    const built = buildVaeDecoder(PIPELINE_CONFIGS.tiny.vae, { dtype: 'float32', seed: 3, external: true });
    const blob = built.externalData!;
    expect(blob.path).toBe('weights.pb');
    const m = readModel(built.model, [blob]);
    const name = 'decoder.conv_in.weight';
    const ref = externalRef(m.initializers.get(name)!)!;
    expect(ref.location).toBe('weights.pb');
    const view = m.initializerBytes(name);
    expect(view.buffer).toBe(blob.data.buffer);
    // the values are the parameter's seeded stream: uniform ±1/√fan_in (conv_in: 4 latent channels · 3·3)
    const fanIn = 4 * 9;
    expect(f32(view)).toEqual(new Rng(3, name).fillUniform(new Float32Array(view.byteLength / 4), 1 / Math.sqrt(fanIn)));
    expect(() => readModel(built.model).initializerBytes(name)).toThrow(/weights\.pb/);
  });

  it('externalize points initializers back into the original file, and ORT runs it unchanged', async () => {
    const built = buildVaeDecoder(PIPELINE_CONFIGS.tiny.vae, { dtype: 'float32', seed: 3, external: false });
    const file = built.model;
    const m = readModel(file);
    const before = m.initializerBytes('decoder.conv_in.weight').slice();
    const n = externalize(m.model, file, 'vae_decoder/model.onnx', { minBytes: 64 });
    expect(n).toBeGreaterThan(20);
    const slim = writeModel(m.model);
    expect(slim.byteLength).toBeLessThan(file.byteLength / 2);
    const re = readModel(slim, [{ path: 'vae_decoder/model.onnx', data: file }]);
    expect(re.initializerBytes('decoder.conv_in.weight')).toEqual(before);

    const latent = new ort.Tensor('float32', new Rng(1, 'z').fillNormal(new Float32Array(4 * 8 * 8)), [1, 4, 8, 8]);
    const a = await (await ort.InferenceSession.create(file)).run({ latent_sample: latent });
    const opts = { externalData: [{ path: 'vae_decoder/model.onnx', data: file }] } as ort.InferenceSession.SessionOptions;
    const b = await (await ort.InferenceSession.create(slim, opts)).run({ latent_sample: latent });
    expect(b.sample.data).toEqual(a.sample.data);
  });
});
