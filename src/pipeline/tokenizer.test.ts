import { describe, expect, it } from 'vitest';
import { PromptTokenizer } from './tokenizer.ts';

// A tiny CLIP-style vocabulary: bytes as symbols (only those used), merges, and the two specials.
const vocab: Record<string, number> = { a: 0, b: 1, c: 2, 'a</w>': 3, 'b</w>': 4, 'c</w>': 5, 'ab</w>': 6, 'ca': 7, 'cab</w>': 8, '!': 9, '!</w>': 10, '<|startoftext|>': 11, '<|endoftext|>': 12 };
const merges = '#version: 0.2\nc a\na b</w>\nca b</w>\n'; // BPE applies the lowest-ranked pair first

describe('PromptTokenizer (CLIP BPE via @huggingface/tokenizers)', () => {
  const cases: { text: string; ids: number[] }[] = [
    { text: 'ab', ids: [6] },
    { text: 'cab', ids: [8] },
    { text: 'a b c', ids: [3, 4, 5] },
    { text: 'CAB  ab', ids: [8, 6] }, // lowercased, whitespace folded
    { text: 'ab!', ids: [6, 10] },
  ];
  const tok = PromptTokenizer.fromFiles({ vocab, merges });
  it.each(cases)('$text → $ids', ({ text, ids }) => {
    expect(tok.tokens(text)).toEqual(ids);
  });

  it('pads to 77 with BOS/EOS as SD does (pad = EOS by default, "!" for SD2-style configs)', () => {
    const e = tok.encode('cab ab');
    expect(Array.from(e.slice(0, 4))).toEqual([11, 8, 6, 12]);
    expect(e.length).toBe(77);
    expect(Array.from(e.slice(4)).every((x) => x === 12)).toBe(true);
    const sd2 = PromptTokenizer.fromFiles({ vocab, merges, config: { pad_token: '!' } });
    expect(sd2.encode('ab')[3]).toBe(9);
  });

  it('truncates long prompts to 75 tokens + EOS', () => {
    const e = tok.encode(Array(100).fill('ab').join(' '));
    expect(e[0]).toBe(11);
    expect(e[75]).toBe(6);
    expect(e[76]).toBe(12);
  });
});
