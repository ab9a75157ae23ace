#!/usr/bin/python3
"""Ground-truth scenes for the TypeScript scene classifier's test (src/models/toy/scene-check.test.ts).

Every single-object prompt (3 backgrounds x 6 colours x 3 shapes) at two seeded random sizes and
positions, rendered by scenes.py exactly as the training data is. Writes
src/models/toy/__fixtures__/scenes.json (labels) and scenes.u8.gz (uint8 [N, 128, 128, 3], gzip).
    /usr/bin/python3 scripts/toy-model/dump_scenes.py
"""
import gzip
import json
import os

import numpy as np

import scenes as S

OUT = os.path.join(S.HERE, "..", "..", "src", "models", "toy", "__fixtures__")


def main():
    rng = np.random.default_rng(1234)
    lo, hi = S.VOCAB["objectSize"]
    labels, images = [], []
    for caption, colour, shape, bg in S.single_prompts():
        for _ in range(2):
            pos = S.POSITIONS[rng.integers(len(S.POSITIONS))]
            size = float(rng.uniform(lo, hi))
            cx, cy = S._place(rng, S.VOCAB["positions"][pos], size, S.VOCAB["positionJitter"])
            scene = S.Scene(bg, [S.SceneObject(shape, colour, cx, cy, size)], caption, "single")
            images.append(S.render(scene))
            labels.append({"caption": caption, "background": bg, "colour": colour, "shape": shape, "position": pos})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "scenes.u8.gz"), "wb") as f:
        f.write(gzip.compress(np.stack(images).tobytes(), mtime=0))
    json.dump({"size": S.SIZE, "count": len(labels), "labels": labels}, open(os.path.join(OUT, "scenes.json"), "w"), indent=1)
    print(f"wrote {len(labels)} scenes to {OUT}")


if __name__ == "__main__":
    main()
