// SDXL's conditioning (diffusers StableDiffusionXLPipeline.encode_prompt / _get_add_time_ids) on a
// fake backend whose "encoders" write each token id into known places, so the concatenation order,
// the zero negatives and the time_ids can be read back exactly.
import { describe, expect, it } from 'vitest';
import { DataType } from '../onnx/proto.ts';
import type { GraphIo } from '../onnx/model-file.ts';
import type { HostFloats, SdBackend, TextContext, UnetCall } from '../gpu/sd-backend.ts';
import { DEFAULT_SA_PARAMS } from '../sa/index.ts';
import type { GenerateRequest } from '../params/request.ts';
import { concatFeatures, forceZerosForEmptyPrompt, penultimateHiddenName, sdxlConditioning, sdxlTimeIds, type SdxlText } from './sdxl-conditioning.ts';
import { generateImage, VaeOverflowError, type SdModel } from './sd-pipeline.ts';
import { PromptTokenizer, SD_MAX_LENGTH } from './tokenizer.ts';
import { ModelLoadError } from './model-source.ts';

const outputs = (names: string[]): GraphIo => ({ inputs: [], outputs: names.map((name) => ({ name, dataType: DataType.FLOAT, dims: [] })) });

describe('penultimateHiddenName (hidden_states[-2] of optimum\'s hidden_states.0 … hidden_states.L)', () => {
  it('12 layers (CLIP ViT-L): hidden_states.11; 32 layers (bigG): hidden_states.31', () => {
    const l = (n: number) => Array.from({ length: n + 1 }, (_, i) => `hidden_states.${i}`);
    expect(penultimateHiddenName(outputs(['last_hidden_state', 'pooler_output', ...l(12)]), 'te')).toBe('hidden_states.11');
    expect(penultimateHiddenName(outputs(['text_embeds', 'last_hidden_state', ...l(32).reverse()]), 'te2')).toBe('hidden_states.31');
  });
  it('an encoder without hidden states is a typed error that says how to export it', () => {
    const f = () => penultimateHiddenName(outputs(['last_hidden_state', 'pooler_output']), 'text_encoder/model.onnx');
    expect(f).toThrow(ModelLoadError);
    expect(f).toThrow(/text_encoder\/model\.onnx has no hidden_states\.N outputs .*output_hidden_states=True/);
  });
});

describe('concatFeatures, sdxlConditioning, sdxlTimeIds', () => {
  // B = 2, S = 2, D1 = 2, D2 = 3: values name their place (encoder·100 + b·10 + s, + d/10)
  const h = (enc: number, D: number) => Float32Array.from({ length: 2 * 2 * D }, (_, i) => enc * 100 + Math.floor(i / (2 * D)) * 10 + (Math.floor(i / D) % 2) + (i % D) / 10);
  const a = { hidden: h(1, 2), dims: [2, 2, 2] as [number, number, number] };
  const b = { hidden: h(2, 3), dims: [2, 2, 3] as [number, number, number], pooled: Float32Array.of(7, 8, 9, 10) };

  it('each token row is [encoder 1 features | encoder 2 features]; pooled from encoder 2', () => {
    const c = concatFeatures(a, b);
    expect(c.dims).toEqual([2, 2, 5]);
    const f = (x: number) => Math.round(x * 10) / 10;
    // row (b=1, s=0): 110, 110.1 | 210, 210.1, 210.2
    expect(Array.from(c.hidden.subarray(2 * 5, 3 * 5), f)).toEqual([110, 110.1, 210, 210.1, 210.2]);
    expect(Array.from(c.hidden.subarray(0, 5), f)).toEqual([100, 100.1, 200, 200.1, 200.2]);
    expect(Array.from(c.hidden.subarray(3 * 5), f)).toEqual([111, 111.1, 211, 211.1, 211.2]);
    expect(c.pooled).toBe(b.pooled);
    expect(() => concatFeatures(a, { ...b, dims: [2, 3, 3] })).toThrow(RangeError);
  });

  it('zero negatives: [zeros, prompt] for the hidden states and the pooled embeds', () => {
    const one = { hidden: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [1, 2, 3] as [number, number, number], pooled: Float32Array.of(7, 8) };
    const c = sdxlConditioning(one, true);
    expect(c.dims).toEqual([2, 2, 3]);
    expect(Array.from(c.hidden)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(c.textEmbeds)).toEqual([0, 0, 7, 8]);
    expect(sdxlConditioning(one, false).hidden).toBe(one.hidden);
  });

  it('time_ids: [h, w, 0, 0, h, w] per row (original = target = image size, crop 0, 0)', () => {
    expect(Array.from(sdxlTimeIds(768, 1024, 2))).toEqual([768, 1024, 0, 0, 768, 1024, 768, 1024, 0, 0, 768, 1024]);
  });

  it('force_zeros_for_empty_prompt: true unless model_index.json says false', () => {
    expect([forceZerosForEmptyPrompt({}), forceZerosForEmptyPrompt({ force_zeros_for_empty_prompt: true }), forceZerosForEmptyPrompt({ force_zeros_for_empty_prompt: false })]).toEqual([true, true, false]);
  });
});

// -- the generation loop on a fake SDXL backend --------------------------------------------------

const vocab: Record<string, number> = { a: 0, b: 1, 'a</w>': 2, 'b</w>': 3, '!': 4, '!</w>': 5, '<|startoftext|>': 6, '<|endoftext|>': 7 };
const tok1 = PromptTokenizer.fromFiles({ vocab, merges: '#version: 0.2\n' });
const tok2 = PromptTokenizer.fromFiles({ vocab, merges: '#version: 0.2\n', config: { pad_token: '!' } });
const [D1, D2, P] = [2, 3, 4];

interface Seen {
  encoded: { index: number; ids: number[][] }[];
  context?: { hidden: HostFloats; textEmbeds?: HostFloats };
  calls: UnetCall[];
}

/** Encoder i writes token id + i·1000 + d/10 at feature d; text_embeds[b, p] = first padding id of row b + p/10. */
function fakeModel(opts: { decodeNaN?: boolean; forceZeros?: boolean } = {}): { m: SdModel; seen: Seen } {
  const seen: Seen = { encoded: [], calls: [] };
  const backend: SdBackend = {
    sites: [],
    hasVaeEncoder: false,
    encodeText: () => Promise.reject(new Error('SD 1.x path used for SDXL')),
    async encodeTextOutputs(index, ids, batch, names) {
      const rows = Array.from({ length: batch }, (_, b) => Array.from(ids.subarray(b * SD_MAX_LENGTH, (b + 1) * SD_MAX_LENGTH)));
      seen.encoded.push({ index, ids: rows });
      const D = index === 0 ? D1 : D2;
      const hidden = new Float32Array(batch * SD_MAX_LENGTH * D).map((_, i) => ids[Math.floor(i / D)] + index * 1000 + (i % D) / 10);
      const out: Record<string, HostFloats> = { [names[0]]: { data: hidden, dims: [batch, SD_MAX_LENGTH, D] } };
      if (names.includes('text_embeds')) out.text_embeds = { data: new Float32Array(batch * P).map((_, i) => rows[Math.floor(i / P)][76] + (i % P) / 10), dims: [batch, P] };
      return out;
    },
    textContext(hidden, textEmbeds) {
      seen.context = { hidden, textEmbeds };
      return { dispose() {} } as TextContext;
    },
    async unet(call) {
      seen.calls.push(call);
      return { eps: new Float32Array(call.B * 4 * call.h * call.w), ortMs: 0, siteMs: 0 };
    },
    decode: async (_z, h, w) => new Float32Array(3 * 64 * h * w).fill(opts.decodeNaN ? NaN : 0),
    encode: () => Promise.reject(new Error('no encoder')),
    sync: async () => undefined,
  };
  const sdxl: SdxlText = { tokenizer2: tok2, hiddenOutputs: ['hidden_states.11', 'hidden_states.31'], forceZerosForEmptyPrompt: opts.forceZeros ?? true };
  return { m: { backend, tokenizer: tok1, schedulerConfig: {}, scalingFactor: 0.13025, unet: { sdxl: { textEmbedsDim: P, timeIdsDim: 6 } }, sdxl }, seen };
}

const REQ: GenerateRequest = { prompt: 'ab', negativePrompt: '', seed: 1, steps: 2, guidance: 5, width: 128, height: 64, scheduler: 'euler', sa: DEFAULT_SA_PARAMS };

describe('generateImage on an SDXL model (fake backend)', () => {
  it('CFG, empty negative: only the prompt is encoded (tokenizer 2 pads "!"); context [zeros | prompt] 77 × (D1 + D2); pooled [zeros | prompt]', async () => {
    const { m, seen } = fakeModel();
    await generateImage(m, REQ);
    expect(seen.encoded.map((e) => [e.index, e.ids.length])).toEqual([[0, 1], [1, 1]]);
    // "ab" is one token: 'a b</w>' has no merge here → a, b</w> = 0, 3
    expect(seen.encoded[0].ids[0].slice(0, 5)).toEqual([6, 0, 3, 7, 7]);
    expect(seen.encoded[1].ids[0].slice(0, 5)).toEqual([6, 0, 3, 7, 4]);
    const { hidden, textEmbeds } = seen.context!;
    expect(hidden.dims).toEqual([2, 77, D1 + D2]);
    const D = D1 + D2;
    expect(hidden.data.subarray(0, 77 * D).every((x) => x === 0)).toBe(true);
    // prompt row, token 1 (id 0): encoder 1's [0, 0.1] then encoder 2's [1000, 1000.1, 1000.2]
    const tok1Row = Array.from(hidden.data.subarray(77 * D + D, 77 * D + 2 * D), (x) => Math.round(x * 10) / 10);
    expect(tok1Row).toEqual([0, 0.1, 1000, 1000.1, 1000.2]);
    expect(textEmbeds!.dims).toEqual([2, P]);
    expect(Array.from(textEmbeds!.data, (x) => Math.round(x * 10) / 10)).toEqual([0, 0, 0, 0, 4, 4.1, 4.2, 4.3]); // row 1: pad "!" (4) + p/10
    // time_ids [h, w, 0, 0, h, w] for both rows at every step
    expect(seen.calls).toHaveLength(2);
    for (const c of seen.calls) expect(Array.from(c.timeIds!)).toEqual([64, 128, 0, 0, 64, 128, 64, 128, 0, 0, 64, 128]);
  });

  it('a negative prompt is encoded as batch row 0 (no zeros)', async () => {
    const { m, seen } = fakeModel();
    await generateImage(m, { ...REQ, negativePrompt: 'b' });
    expect(seen.encoded.map((e) => e.ids.map((r) => r[1]))).toEqual([[3, 0], [3, 0]]); // 'b' (b</w> = 3), then 'ab'
    expect(seen.context!.hidden.data[0]).not.toBe(0);
  });

  it('force_zeros_for_empty_prompt false: the empty negative is encoded', async () => {
    const { m, seen } = fakeModel({ forceZeros: false });
    await generateImage(m, REQ);
    expect(seen.encoded[0].ids.map((r) => r.slice(0, 3))).toEqual([[6, 7, 7], [6, 0, 3]]);
    expect(seen.context!.hidden.data[0]).toBe(6); // BOS id, encoder 1, feature 0
  });

  it('guidance ≤ 1 (Lightning, Turbo): batch 1, no negative, time_ids for one row', async () => {
    const { m, seen } = fakeModel();
    await generateImage(m, { ...REQ, guidance: 1 });
    expect(seen.encoded.map((e) => e.ids.length)).toEqual([1, 1]);
    expect(seen.context!.hidden.dims).toEqual([1, 77, D1 + D2]);
    expect(seen.calls.map((c) => [c.B, c.timeIds!.length])).toEqual([[1, 6], [1, 6]]);
  });

  it('a VAE that decodes NaN is a VaeOverflowError naming the fp16-fix VAE', async () => {
    const { m } = fakeModel({ decodeNaN: true });
    const run = generateImage(m, REQ);
    await expect(run).rejects.toThrow(VaeOverflowError);
    await expect(generateImage(fakeModel({ decodeNaN: true }).m, REQ)).rejects.toThrow(/non-finite .*madebyollin\/sdxl-vae-fp16-fix/);
  });
});
