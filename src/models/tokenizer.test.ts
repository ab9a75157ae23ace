import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { byteSymbols, clipVocabulary, tokenizerFiles } from './tokenizer.ts';

const load = (size: number) => {
  const f = tokenizerFiles(size);
  return new Tokenizer(JSON.parse(f.get('tokenizer.json')!), JSON.parse(f.get('tokenizer_config.json')!));
};

// Ids derived by hand from the layout: byte symbols in CLIP order ('!' = 0 … 'a' = 64, 't' = 83),
// `</w>` forms at +256, merges from 512 in order [a, a</w>], [a, a], [a, b</w>], [a, b], … (52 per
// first letter), BOS = size − 2, EOS = size − 1.
const TABLE_1024 = [
  { text: 'a', ids: [1022, 256 + 64, 1023] },
  { text: 'ab', ids: [1022, 512 + 2, 1023] }, // merge [a, b</w>] → "ab</w>"
  { text: 'A  B', ids: [1022, 256 + 64, 256 + 65, 1023] }, // lower-cased, whitespace collapsed
  { text: 'cat', ids: [1022, 66, 512 + 2 * 19, 1023] }, // [a, t</w>] (rank 38) beats [c, a] (rank 105): "c" + "at</w>"
  { text: 'a!', ids: [1022, 256 + 64, 256 + 0, 1023] }, // punctuation is its own word
];

describe('synthetic CLIP tokenizer', () => {
  it('has CLIP’s byte table', () => {
    const b = byteSymbols();
    expect(b).toHaveLength(256);
    expect(b[0]).toBe('!');
    expect(b[64]).toBe('a');
    expect(new Set(b).size).toBe(256);
    expect(b[188]).toBe('Ā'); // byte 0 maps to U+0100
  });

  it.each(TABLE_1024)('@huggingface/tokenizers encodes "$text" to the hand-derived ids', ({ text, ids }) => {
    expect(load(1024).encode(text).ids).toEqual(ids);
  });

  it('at CLIP’s size the specials are 49406 / 49407 and every merge builds on known tokens', () => {
    const v = clipVocabulary(49408);
    expect([v.bosId, v.eosId, v.vocab.size]).toEqual([49406, 49407, 49408]);
    for (const [a, b] of v.merges) {
      expect(v.vocab.has(a) && v.vocab.has(b)).toBe(true);
      expect(v.vocab.get(a + b)! >= 512).toBe(true);
    }
    expect(load(49408).encode('a photo of a cat').ids).toEqual(expect.arrayContaining([49406, 49407]));
  });

  it('writes the tokenizer/ files of a diffusers folder', () => {
    const f = tokenizerFiles(1024);
    expect([...f.keys()].sort()).toEqual(['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    expect(Object.keys(JSON.parse(f.get('vocab.json')!))).toHaveLength(1024);
    const merges = f.get('merges.txt')!.trim().split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges).toHaveLength(1 + 1024 - 514);
    expect(JSON.parse(f.get('tokenizer_config.json')!)).toMatchObject({ tokenizer_class: 'CLIPTokenizer', model_max_length: 77 });
  });
});
