"""Which toy model a script works on: v1 (public/models/toy today) or v2 (three attention levels).

Every script takes `--version 1|2` (default 1: v1's behaviour unchanged) and calls select() before
anything else; it points scenes.py at that version's vocabulary and models.py at its U-Net config.
  v1: vocab.json,    U-Net (32, 64),           text encoder 2 layers
  v2: v2/vocab.json, U-Net (32, 64, 128) attention at all three levels, text encoder 3 layers
"""
import argparse
import os

import models as M
import scenes as S

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATHS = {1: os.path.join(HERE, "vocab.json"), 2: os.path.join(HERE, "v2", "vocab.json")}


def add_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", type=int, default=1, choices=sorted(VOCAB_PATHS),
                   help="toy model version: 1 (vocab.json, U-Net (32, 64)) or 2 (v2/vocab.json, U-Net (32, 64, 128) attention at all three levels)")


def select(version: int) -> None:
    S.use_vocab(VOCAB_PATHS[version])
    M.use_version(version)
