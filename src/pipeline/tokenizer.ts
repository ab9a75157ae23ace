// The prompt tokenizer: CLIP byte-level BPE through @huggingface/tokenizers, padded/truncated to
// 77 ids as Stable Diffusion does ([BOS] up to 75 tokens [EOS] then pad).
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenizerFiles } from './load-pipeline.ts';
import { ModelLoadError } from './model-source.ts';

export const SD_MAX_LENGTH = 77;
const BOS = '<|startoftext|>';
const EOS = '<|endoftext|>';

/** A CLIP tokenizer.json (the structure of openai/clip-vit-large-patch14's) from vocab.json + merges.txt. */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[]): Record<string, unknown> {
  const bosId = vocab[BOS];
  const eosId = vocab[EOS];
  if (bosId === undefined || eosId === undefined) throw new ModelLoadError('format', `tokenizer/vocab.json has no ${BOS} / ${EOS} tokens: not a CLIP vocabulary.`);
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, BOS), special(eosId, EOS)],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [EOS, eosId], cls: [BOS, bosId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: EOS, continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

export class PromptTokenizer {
  private constructor(
    private readonly tok: Tokenizer,
    readonly bosId: number,
    readonly eosId: number,
    readonly padId: number,
  ) {}

  static fromFiles(files: TokenizerFiles): PromptTokenizer {
    let json = files.tokenizerJson as Record<string, unknown> | undefined;
    if (!json) {
      const merges = (files.merges ?? '').split('\n').filter((l) => l && !l.startsWith('#version'));
      json = clipTokenizerJson(files.vocab ?? {}, merges);
    }
    const vocab = ((json.model as { vocab?: Record<string, number> })?.vocab ?? {}) as Record<string, number>;
    const added = (json.added_tokens as { id: number; content: string }[] | undefined) ?? [];
    const idOf = (t: string) => added.find((a) => a.content === t)?.id ?? vocab[t];
    const bosId = idOf(BOS);
    const eosId = idOf(EOS);
    if (bosId === undefined || eosId === undefined) throw new ModelLoadError('format', `The tokenizer has no ${BOS} / ${EOS} tokens: is it a CLIP tokenizer?`);
    const padToken = (files.config?.pad_token as string | { content?: string } | undefined) ?? EOS;
    const padName = typeof padToken === 'string' ? padToken : (padToken.content ?? EOS);
    const padId = idOf(padName) ?? eosId;
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(json, files.config ?? {});
    } catch (e) {
      throw new ModelLoadError('format', `The tokenizer files could not be loaded (${(e as Error).message}).`);
    }
    return new PromptTokenizer(tok, bosId, eosId, padId);
  }

  /** Token ids without BOS/EOS. */
  tokens(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  /** [BOS] + up to 75 tokens + [EOS] + pad to 77. */
  encode(text: string): Int32Array {
    const ids = this.tokens(text).slice(0, SD_MAX_LENGTH - 2);
    const out = new Int32Array(SD_MAX_LENGTH).fill(this.padId);
    out[0] = this.bosId;
    out.set(ids, 1);
    out[ids.length + 1] = this.eosId;
    return out;
  }
}
