// The tiny-xl pipeline folder (SDXL's diffusers-ONNX layout) and its two text encoders on the CPU
// EP: optimum's output names, hidden_states.0 = the embeddings, pooled = the EOS position,
// text_embeds = text_projection(pooled), and the penultimate states concatenated to the U-Net's
// cross-attention width.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { graphIo, readModel } from '../onnx/model-file.ts';
import { PIPELINE_CONFIGS } from './configs.ts';
import { buildPipeline } from './pipeline.ts';
import { maxAbsDiff, runCpu, toF32 } from './testing/cpu-run.ts';

const cfg = PIPELINE_CONFIGS['tiny-xl'];
const files = buildPipeline('tiny-xl', { attention: 'torch2', dtype: 'float32', seed: 1 });
const json = (p: string) => JSON.parse(new TextDecoder().decode(files.get(p)));
const modelOf = (d: string) => ({ model: files.get(`${d}/model.onnx`)! });

/** An initializer's float32 values. */
function init(d: string, name: string): Float32Array {
  const loaded = readModel(files.get(`${d}/model.onnx`)!);
  const b = loaded.initializerBytes(name).slice();
  return new Float32Array(b.buffer, 0, b.byteLength / 4);
}

describe('tiny-xl pipeline folder', () => {
  it('has the SDXL diffusers-ONNX layout and configs', () => {
    const tok = ['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'];
    expect([...files.keys()].sort()).toEqual(
      [
        'model_index.json',
        'scheduler/scheduler_config.json',
        ...tok.flatMap((f) => [`tokenizer/${f}`, `tokenizer_2/${f}`]),
        ...['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder'].flatMap((d) => [`${d}/config.json`, `${d}/model.onnx`]),
      ].sort(),
    );
    expect(json('model_index.json')).toMatchObject({
      _class_name: 'StableDiffusionXLPipeline',
      force_zeros_for_empty_prompt: true,
      text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
      tokenizer_2: ['transformers', 'CLIPTokenizer'],
    });
    expect(json('scheduler/scheduler_config.json')).toMatchObject({ _class_name: 'EulerDiscreteScheduler', beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, timestep_spacing: 'leading', steps_offset: 1 });
    expect(json('vae_decoder/config.json')).toMatchObject({ scaling_factor: 0.13025, force_upcast: true });
    expect(json('tokenizer_2/special_tokens_map.json').pad_token).toBe('!');
    expect(json('tokenizer/special_tokens_map.json').pad_token).toBe('<|endoftext|>');
    expect(json('text_encoder_2/config.json')).toMatchObject({ architectures: ['CLIPTextModelWithProjection'], projection_dim: 32 });
    expect(json('unet/config.json')).toMatchObject({ addition_embed_type: 'text_time', projection_class_embeddings_input_dim: 128, down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'] });
  });

  it("the text encoders' outputs are optimum's, in order", () => {
    const names = (d: string) => graphIo(readModel(files.get(`${d}/model.onnx`)!).model).outputs.map((v) => v.name);
    expect(names('text_encoder')).toEqual(['last_hidden_state', 'pooler_output', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
    expect(names('text_encoder_2')).toEqual(['text_embeds', 'last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2', 'hidden_states.3']);
  });

  it('text_encoder_2: hidden_states.0 = token + position embeddings, text_embeds = text_projection(EOS state)', async () => {
    const t2 = cfg.text2!;
    const D = t2.hiddenSize;
    const tk2 = new Tokenizer(json('tokenizer_2/tokenizer.json'), json('tokenizer_2/tokenizer_config.json'));
    const ids = tk2.encode('a photo of a cat').ids;
    const padded = [...ids, ...Array<number>(77 - ids.length).fill(tk2.token_to_id('!')!)]; // SDXL's tokenizer_2 pads with "!"
    const out = await runCpu(modelOf('text_encoder_2'), { input_ids: new ort.Tensor('int32', Int32Array.from(padded), [1, 77]) });
    const tokW = init('text_encoder_2', 'text_model.embeddings.token_embedding.weight');
    const posW = init('text_encoder_2', 'text_model.embeddings.position_embedding.weight');
    const h0 = toF32(out['hidden_states.0']);
    const expected0 = Float32Array.from({ length: 77 * D }, (_, i) => tokW[padded[Math.floor(i / D)] * D + (i % D)] + posW[i]);
    expect(maxAbsDiff(h0, expected0)).toBeLessThanOrEqual(1e-6);
    // pooled = the state at argmax(ids) = the EOS token (the highest id; "!" pads are low)
    const eos = padded.indexOf(Math.max(...padded));
    expect(padded[eos]).toBe(t2.vocabSize - 1);
    const last = toF32(out.last_hidden_state);
    const pooled = last.subarray(eos * D, (eos + 1) * D);
    const proj = readModel(files.get('text_encoder_2/model.onnx')!).model.graph!.node.find((n) => n.name === '/text_projection/MatMul')!;
    const W = init('text_encoder_2', proj.input[1]); // [D, P]
    const P = t2.projectionDim!;
    const expected = Float32Array.from({ length: P }, (_, j) => pooled.reduce((s, x, i) => s + x * W[i * P + j], 0));
    expect(out.text_embeds.dims).toEqual([1, P]);
    expect(maxAbsDiff(toF32(out.text_embeds), expected)).toBeLessThanOrEqual(1e-5);
    // hidden states differ layer to layer; the last one is pre-final_layer_norm (≠ last_hidden_state)
    expect(maxAbsDiff(toF32(out['hidden_states.2']), toF32(out['hidden_states.3']))).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(toF32(out['hidden_states.3']), last)).toBeGreaterThan(1e-3);
  });

  it("the penultimate states of both encoders concatenate to the U-Net's cross-attention width", async () => {
    const ids = new ort.Tensor('int32', Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? 1022 : i === 4 ? 1023 : i < 4 ? 300 + i : 1023)), [1, 77]);
    const a = await runCpu(modelOf('text_encoder'), { input_ids: ids });
    const b = await runCpu(modelOf('text_encoder_2'), { input_ids: ids });
    const pa = a[`hidden_states.${cfg.text.layers - 1}`];
    const pb = b[`hidden_states.${cfg.text2!.layers - 1}`];
    expect(pa.dims[2] + pb.dims[2]).toBe(cfg.unet.crossAttentionDim);
    expect(b.text_embeds.dims[1]).toBe(cfg.unet.addition!.textEmbedsDim);
  });
});
