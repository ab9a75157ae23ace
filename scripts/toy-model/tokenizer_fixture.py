#!/usr/bin/python3
"""Writes src/models/toy/__fixtures__/captions.json: captions with the ids Python trains on.

src/models/toy/tokenizer.test.ts loads public/models/toy/tokenizer/ through the app's
PromptTokenizer and asserts the same ids, so training and inference tokenize alike.
Run: /usr/bin/python3 scripts/toy-model/tokenizer_fixture.py
"""
import json
import os

import numpy as np

import scenes as S
from toy_tokenizer import ToyTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "src", "models", "toy", "__fixtures__", "captions.json")


def main() -> None:
    tok = ToyTokenizer(S.scene_words())
    rng = np.random.default_rng(7)
    captions = [""]  # the unconditional caption used for CFG
    kinds_seen = set()
    while len(captions) < 28:
        scene = S.random_scene(rng)
        if scene.caption not in captions:
            captions.append(scene.caption)
            kinds_seen.add(scene.kind)
    assert kinds_seen == {"single", "singleAt", "pair"}, kinds_seen
    captions.append("A Purple   TRIANGLE on the top on a Gray background")  # case + whitespace folding
    captions.append(" ".join(S.scene_words()))  # every word once
    cases = [{"text": c, "ids": tok.encode(c)} for c in captions]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"about": "Written by scripts/toy-model/tokenizer_fixture.py (Python's training ids).",
                   "bos": tok.bos, "eos": tok.eos, "cases": cases}, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} captions to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
