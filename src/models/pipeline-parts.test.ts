// Text encoder and VAE on the CPU EP (recorded statistics, and properties that do not depend on the
// record: causality, pooled = EOS position, int32 ≡ int64 ids), and the whole tiny pipeline folder
// run end to end: tokenizer → text encoder → U-Net (CFG batch 2) → VAE decoder.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { PIPELINE_CONFIGS } from './configs.ts';
import { buildTextEncoder } from './text-encoder.ts';
import { buildPipeline } from './pipeline.ts';
import { allCases, promptIds, textCase } from './testing/cases.ts';
import { allFinite, maxAbsDiff, normal, runCpu, toF32 } from './testing/cpu-run.ts';
import { expectRecordedStats } from './testing/expect-stats.ts';

describe('text encoder and VAE on onnxruntime CPU', () => {
  it.each(allCases().parts.map((c) => [c.id, c] as const))('%s: finite, expected shape, recorded statistics', async (_id, c) => {
    expectRecordedStats(c.id, await c.run());
  });

  it('int32 and int64 input_ids give the same output', async () => {
    const a = await textCase('tiny', 'float32', 'int32').run();
    const b = await textCase('tiny', 'float32', 'int64').run();
    expect(maxAbsDiff(a.last_hidden_state.values, b.last_hidden_state.values)).toBe(0);
  });

  it('attention is causal, and pooler_output is the hidden state at the EOS token', async () => {
    const t = PIPELINE_CONFIGS.tiny.text;
    const m = buildTextEncoder(t, { dtype: 'float32', seed: 1 });
    const ids = promptIds(t.vocabSize);
    const changed = [...ids];
    changed[3] = 900; // a token after position 2
    const run = async (x: number[]) => (await runCpu(m, { input_ids: new ort.Tensor('int32', Int32Array.from(x), [1, 77]) })) as Record<string, ort.Tensor>;
    const [a, b] = [await run(ids), await run(changed)];
    const D = t.hiddenSize;
    const ha = toF32(a.last_hidden_state);
    const hb = toF32(b.last_hidden_state);
    expect(maxAbsDiff(ha.subarray(0, 3 * D), hb.subarray(0, 3 * D))).toBe(0); // positions 0–2 unchanged
    expect(maxAbsDiff(ha.subarray(3 * D, 4 * D), hb.subarray(3 * D, 4 * D))).toBeGreaterThan(1e-3);
    const eos = ids.indexOf(t.vocabSize - 1); // first occurrence of the highest id, as argmax
    expect(toF32(a.pooler_output)).toEqual(ha.slice(eos * D, (eos + 1) * D));
  });
});

describe('tiny pipeline folder', () => {
  it('same seed ⇒ byte-identical files (fp16, ort-fused, int64 ids)', () => {
    const opts = { attention: 'ort-fused', dtype: 'float16', seed: 5, inputIds: 'int64' } as const;
    const a = buildPipeline('tiny', opts);
    const b = buildPipeline('tiny', opts);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) expect(Buffer.from(b.get(k)!).equals(Buffer.from(v)), k).toBe(true);
    const other = buildPipeline('tiny', { ...opts, seed: 6 });
    expect(Buffer.from(other.get('unet/model.onnx')!).equals(Buffer.from(a.get('unet/model.onnx')!))).toBe(false);
  });

  it('has the diffusers-ONNX layout and runs end to end', async () => {
    const files = buildPipeline('tiny', { attention: 'torch2', dtype: 'float32', seed: 1 });
    expect([...files.keys()].sort()).toEqual(
      [
        'model_index.json',
        'scheduler/scheduler_config.json',
        ...['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'].map((f) => `tokenizer/${f}`),
        ...['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'].flatMap((d) => [`${d}/config.json`, `${d}/model.onnx`]),
      ].sort(),
    );
    const json = (p: string) => JSON.parse(new TextDecoder().decode(files.get(p)));
    expect(json('model_index.json')).toMatchObject({ _class_name: 'OnnxStableDiffusionPipeline', unet: ['diffusers', 'OnnxRuntimeModel'] });
    expect(json('scheduler/scheduler_config.json')._class_name).toBe('PNDMScheduler');
    expect(json('unet/config.json').sample_size).toBe(16);

    const tok = new Tokenizer(json('tokenizer/tokenizer.json'), json('tokenizer/tokenizer_config.json'));
    const pad = (ids: number[]) => [...ids, ...Array<number>(77 - ids.length).fill(1023)];
    const ids = [...pad(tok.encode('').ids), ...pad(tok.encode('a photo of a cat').ids)];
    const model = (d: string) => ({ model: files.get(`${d}/model.onnx`)! });
    const text = await runCpu(model('text_encoder'), { input_ids: new ort.Tensor('int32', Int32Array.from(ids), [2, 77]) });
    const ctx = text.last_hidden_state;
    expect(ctx.dims).toEqual([2, 77, 32]);
    const latent = normal(3, 'latent', 4 * 8 * 8);
    const sample = new ort.Tensor('float32', Float32Array.of(...latent, ...latent), [2, 4, 8, 8]);
    const eps = await runCpu(model('unet'), { sample, timestep: new ort.Tensor('float32', Float32Array.of(981, 981), [2]), encoder_hidden_states: ctx });
    const e = toF32(eps.out_sample);
    expect(maxAbsDiff(e.subarray(0, 256), e.subarray(256))).toBeGreaterThan(1e-4); // the prompt matters
    const guided = latent.map((x, i) => x - 0.5 * (e[i] + 7.5 * (e[256 + i] - e[i])));
    const img = await runCpu(model('vae_decoder'), { latent_sample: new ort.Tensor('float32', guided, [1, 4, 8, 8]) });
    expect(img.sample.dims).toEqual([1, 3, 64, 64]);
    expect(allFinite(toF32(img.sample))).toBe(true);
  });
});
