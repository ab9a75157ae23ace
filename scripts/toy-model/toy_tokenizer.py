"""The toy model's CLIP-style tokenizer: byte-level BPE whose merges build each scene word as ONE token.

Vocabulary order (like CLIP's): the 256 byte symbols, their "</w>" forms, the merge products (each
word spelled left to right, char by char, the last char carrying "</w>"), then <|startoftext|> and
<|endoftext|> as the last two ids. Merge ranks are ordered so that BPE on every scene word really ends
in the one whole-word token (checked by simulate_bpe). Python encodes by whole words; the shipped
tokenizer.json (structure of clipTokenizerJson() in src/pipeline/tokenizer.ts) must give the same ids,
which src/models/toy/tokenizer.test.ts asserts.
"""
from typing import Dict, List, Tuple

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
MAX_LENGTH = 77


def byte_symbols() -> List[str]:
    """GPT-2/CLIP's reversible byte → printable-character table, in CLIP's vocabulary order."""
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs = list(bs)
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def word_merges(word: str) -> List[Tuple[str, str]]:
    """Left-to-right merges that spell `word` + "</w>": (w0, w1), (w0w1, w2), ..., (prefix, last</w>)."""
    syms = list(word[:-1]) + [word[-1] + "</w>"]
    merges, acc = [], syms[0]
    for s in syms[1:]:
        merges.append((acc, s))
        acc += s
    return merges


def simulate_bpe(word: str, ranks: Dict[Tuple[str, str], int]) -> List[str]:
    """Plain BPE on one word (lowest-rank adjacent pair first), as tokenizers' BPE model does."""
    syms = list(word[:-1]) + [word[-1] + "</w>"]
    while len(syms) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(syms, syms[1:]))]
        rank, i = min(pairs)
        if rank == 1 << 30:
            break
        syms[i:i + 2] = [syms[i] + syms[i + 1]]
    return syms


def ordered_merges(words: List[str]) -> List[Tuple[str, str]]:
    """All words' merges, by level (prefix length), reordered until BPE builds every word whole."""
    per_word = {w: word_merges(w) for w in words}
    depth = max(len(m) for m in per_word.values())
    merges: List[Tuple[str, str]] = []
    for level in range(depth):
        for w in words:
            if level < len(per_word[w]) and per_word[w][level] not in merges:
                merges.append(per_word[w][level])
    for _ in range(1000):
        ranks = {m: i for i, m in enumerate(merges)}
        bad = [w for w in words if simulate_bpe(w, ranks) != [w + "</w>"]]
        if not bad:
            return merges
        # the bad word's next own merge must outrank every pair that fires instead: move it first
        w = bad[0]
        syms = list(w[:-1]) + [w[-1] + "</w>"]
        for m in per_word[w]:
            i = syms.index(m[0])
            pairs = [ranks.get(p, 1 << 30) for p in zip(syms, syms[1:])]
            if min(pairs) != ranks[m]:
                merges.remove(m)
                merges.insert(min(pairs), m)
                break
            syms[i:i + 2] = [m[0] + m[1]]
    raise RuntimeError(f"could not order merges so that BPE builds these words whole: {bad}")


def build_vocab(words: List[str]) -> Tuple[Dict[str, int], List[Tuple[str, str]]]:
    base = byte_symbols()
    tokens = base + [s + "</w>" for s in base]
    merges = ordered_merges(words)
    tokens += [a + b for a, b in merges]
    tokens += [BOS, EOS]
    return {t: i for i, t in enumerate(tokens)}, merges


class ToyTokenizer:
    def __init__(self, words: List[str]):
        self.vocab, self.merges = build_vocab(words)
        self.bos, self.eos = self.vocab[BOS], self.vocab[EOS]

    def encode(self, caption: str) -> List[int]:
        """[BOS] + one id per word + [EOS], padded with EOS to 77 (the empty caption → BOS EOS pad)."""
        ids = [self.vocab[w + "</w>"] for w in caption.lower().split()][: MAX_LENGTH - 2]
        out = [self.bos] + ids + [self.eos]
        return out + [self.eos] * (MAX_LENGTH - len(out))

    def tokenizer_json(self) -> dict:
        """Same structure as clipTokenizerJson() in src/pipeline/tokenizer.ts."""
        special = lambda i, c: {"id": i, "content": c, "single_word": False, "lstrip": False,  # noqa: E731
                                "rstrip": False, "normalized": True, "special": True}
        split = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [special(self.bos, BOS), special(self.eos, EOS)],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": split}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
            "post_processor": {"type": "RobertaProcessing", "sep": [EOS, self.eos], "cls": [BOS, self.bos],
                               "trim_offsets": False, "add_prefix_space": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": EOS, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }
