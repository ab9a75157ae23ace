#!/usr/bin/python3
"""Toy model v2 samples for the TypeScript scene reader's test on real model output
(src/models/toy/scene-check-v2.test.ts, labelled there by eye): 24 seeded pair scenes of the training
mix (evaluate.pair_scenes) and 11 single-object prompts, sampled in torch from a checkpoint
(dpmpp-2m-karras, 10 steps, CFG 3; seed = index + 1), with evaluate.py's torch gauge of each pair
(classify_pair: both colours, relation) to compare the reader with. Writes src/models/toy/__fixtures__/samples-v2.json
and samples-v2.u8.gz (uint8 [N, 128, 128, 3], gzip).
    /usr/bin/python3 scripts/toy-model/dump_samples.py --run scripts/toy-model/v2/checkpoint --checkpoint unet_text_3750.pt
"""
import argparse
import gzip
import hashlib
import json
import os

import torch

import versions
import scenes as S
import models as M
import evaluate as E
from toy_tokenizer import ToyTokenizer

OUT = os.path.join(S.HERE, "..", "..", "src", "models", "toy", "__fixtures__")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", default=os.path.join(S.HERE, "v2", "checkpoint"))
    p.add_argument("--checkpoint", default="unet_text_3750.pt")
    args = p.parse_args()
    versions.select(2)
    torch.set_num_threads(1)
    M.Attention.scores_by_bmm = True
    tok = ToyTokenizer(S.scene_words())
    dec, unet, text, scaling, step = E.load_run(args.run, tok, args.checkpoint)
    pairs = E.pair_scenes(24)
    captions = [s.caption for s in pairs] + [c for c, *_ in S.single_prompts()][::5][:11]
    seeds = list(range(1, len(captions) + 1))
    settings = {"sampler": "dpmpp-2m-karras", "steps": 10, "guidance": 3.0}
    imgs = E.generate(dec, unet, text, scaling, tok, captions, seeds, settings["steps"], settings["guidance"], settings["sampler"])
    gauge = [{k: bool(v) for k, v in E.classify_pair(imgs[i], s).items()} for i, s in enumerate(pairs)]
    sha = hashlib.sha256(open(os.path.join(args.run, args.checkpoint), "rb").read()).hexdigest()
    with open(os.path.join(OUT, "samples-v2.u8.gz"), "wb") as f:
        f.write(gzip.compress(imgs.tobytes(), mtime=0))
    json.dump({"size": S.SIZE, "checkpoint": args.checkpoint, "sha256": sha, "unetStep": step, **settings,
               "captions": captions, "seeds": seeds,
               "pairGauge": gauge}, open(os.path.join(OUT, "samples-v2.json"), "w"), indent=1)
    print(f"wrote {len(captions)} samples of step {step} to {OUT}/samples-v2.*")


if __name__ == "__main__":
    main()
