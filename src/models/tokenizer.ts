// A synthetic CLIP-style byte-level BPE tokenizer: CLIP's 256 byte symbols and their `</w>`
// (end-of-word) forms, then generated merges (letter pairs, then triples, … in a fixed order) up to
// the text encoder's vocabulary size, then <|startoftext|> and <|endoftext|> as the last two ids
// (CLIP's 49406 / 49407 when the vocabulary has 49408 entries). Written as the files of a
// Hugging Face `tokenizer/` folder, including a tokenizer.json that tokenizers libraries load.
import { SD_MAX_LENGTH, clipTokenizerJson } from '../pipeline/tokenizer.ts';

export const BOS_TOKEN = '<|startoftext|>';
export const EOS_TOKEN = '<|endoftext|>';

export interface ClipVocabulary {
  vocab: Map<string, number>;
  merges: [string, string][];
  bosId: number;
  eosId: number;
}

/** GPT-2/CLIP's reversible byte → printable-character table, in CLIP's vocabulary order. */
export function byteSymbols(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return cs.map((c) => String.fromCodePoint(c));
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** The vocabulary of `size` entries (≥ 514): bytes, bytes</w>, merges, BOS, EOS. */
export function clipVocabulary(size: number): ClipVocabulary {
  const base = byteSymbols();
  const tokens = [...base, ...base.map((s) => s + '</w>')];
  const nMerges = size - tokens.length - 2;
  if (nMerges < 0) throw new Error(`A CLIP vocabulary needs at least ${tokens.length + 2} entries (asked for ${size}).`);
  const merges: [string, string][] = [];
  let level = LETTERS; // the non-final tokens of the previous length
  while (merges.length < nMerges) {
    const next: string[] = [];
    for (const a of level) {
      for (const b of LETTERS) {
        if (merges.length < nMerges) merges.push([a, b + '</w>']);
        if (merges.length < nMerges) merges.push([a, b]);
        next.push(a + b);
      }
      if (merges.length >= nMerges) break;
    }
    level = next;
  }
  for (const [a, b] of merges) tokens.push(a + b);
  tokens.push(BOS_TOKEN, EOS_TOKEN);
  const vocab = new Map(tokens.map((t, i) => [t, i]));
  return { vocab, merges, bosId: size - 2, eosId: size - 1 };
}

/** The files of diffusers' `tokenizer/` folder, by name. */
export function tokenizerFiles(vocabSize: number, padToken = EOS_TOKEN): Map<string, string> {
  const v = clipVocabulary(vocabSize);
  const vocabObj = Object.fromEntries(v.vocab);
  const mergeLines = v.merges.map(([a, b]) => `${a} ${b}`);
  const tokenizerJson = clipTokenizerJson(vocabObj, mergeLines);
  const tokenizerConfig = {
    add_prefix_space: false,
    bos_token: BOS_TOKEN,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: EOS_TOKEN,
    errors: 'replace',
    model_max_length: SD_MAX_LENGTH,
    pad_token: padToken,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: EOS_TOKEN,
  };
  const specialTokens = { bos_token: BOS_TOKEN, eos_token: EOS_TOKEN, pad_token: padToken, unk_token: EOS_TOKEN };
  return new Map([
    ['vocab.json', JSON.stringify(vocabObj)],
    ['merges.txt', ['#version: 0.2', ...mergeLines].join('\n') + '\n'],
    ['tokenizer_config.json', JSON.stringify(tokenizerConfig, null, 2) + '\n'],
    ['special_tokens_map.json', JSON.stringify(specialTokens, null, 2) + '\n'],
    ['tokenizer.json', JSON.stringify(tokenizerJson)],
  ]);
}
