// The toy model's shipped tokenizer (public/models/toy/tokenizer/) gives the ids Python trained on.
// The expected ids come from scripts/toy-model/toy_tokenizer.py (whole-word lookup), written to
// __fixtures__/captions.json by scripts/toy-model/tokenizer_fixture.py; here the same captions go
// through the app's PromptTokenizer (@huggingface/tokenizers BPE on tokenizer.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PromptTokenizer } from '../../pipeline/tokenizer.ts';
import fixture from './__fixtures__/captions.json';

const dir = new URL('../../../public/models/toy/tokenizer/', import.meta.url);
const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Record<string, unknown>;

describe('toy model tokenizer (public/models/toy/tokenizer)', () => {
  const fromJson = PromptTokenizer.fromFiles({ tokenizerJson: readJson('tokenizer.json'), config: readJson('tokenizer_config.json') });
  const fromVocab = PromptTokenizer.fromFiles({
    vocab: readJson('vocab.json') as Record<string, number>,
    merges: readFileSync(new URL('merges.txt', dir), 'utf8'),
    config: readJson('tokenizer_config.json'),
  });

  it('has BOS / EOS / pad ids as Python (the last two ids; pad = EOS)', () => {
    expect([fromJson.bosId, fromJson.eosId, fromJson.padId]).toEqual([fixture.bos, fixture.eos, fixture.eos]);
  });

  it.each(fixture.cases)('tokenizer.json: "$text"', ({ text, ids }) => {
    expect(Array.from(fromJson.encode(text))).toEqual(ids);
  });

  it.each(fixture.cases)('vocab.json + merges.txt: "$text"', ({ text, ids }) => {
    expect(Array.from(fromVocab.encode(text))).toEqual(ids);
  });

  it('encodes each scene word as ONE token', () => {
    const all = fixture.cases[fixture.cases.length - 1].text.split(' ');
    for (const word of all) expect(fromJson.tokens(word)).toHaveLength(1);
  });
});
