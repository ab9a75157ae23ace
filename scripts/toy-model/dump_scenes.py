#!/usr/bin/python3
"""Ground-truth scenes for the TypeScript scene classifier's test (src/models/toy/scene-check.test.ts).

v1 (default): every single-object prompt (3 backgrounds x 6 colours x 3 shapes) at two seeded random
sizes and positions, rendered by scenes.py exactly as the training data is. Writes
src/models/toy/__fixtures__/scenes.json (labels) and scenes.u8.gz (uint8 [N, 128, 128, 3], gzip).
v2 (--version 2): --count seeded scenes drawn by scenes.random_scene (the v2 training distribution:
single objects, pairs in a relation, size words, stripes), to scenes-v2.json / scenes-v2.u8.gz; each
label keeps every object's drawn centre, size, size word and pattern, and the pair's relation.
    /usr/bin/python3 scripts/toy-model/dump_scenes.py [--version 2 [--count 300]]
"""
import argparse
import gzip
import json
import os

import numpy as np

import scenes as S
import versions

OUT = os.path.join(S.HERE, "..", "..", "src", "models", "toy", "__fixtures__")


def v1_scenes():
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
    return labels, images


def v2_scenes(count: int):
    rng = np.random.default_rng(1234)
    labels, images = [], []
    for _ in range(count):
        scene = S.random_scene(rng)
        images.append(S.render(scene))
        objects = [{"colour": o.colour, "shape": o.shape, "size": o.size_word, "pattern": o.pattern,
                    "cx": round(o.cx, 3), "cy": round(o.cy, 3), "side": round(o.size, 3)} for o in scene.objects]
        labels.append({"caption": scene.caption, "kind": scene.kind, "background": scene.background,
                       "position": scene.position, "relation": scene.relation, "objects": objects})
    return labels, images


def main():
    p = argparse.ArgumentParser()
    versions.add_argument(p)
    p.add_argument("--count", type=int, default=300, help="v2: how many scenes")
    args = p.parse_args()
    versions.select(args.version)
    labels, images = v1_scenes() if args.version == 1 else v2_scenes(args.count)
    name = "scenes" if args.version == 1 else f"scenes-v{args.version}"
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}.u8.gz"), "wb") as f:
        f.write(gzip.compress(np.stack(images).tobytes(), mtime=0))
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        if args.version == 1:
            json.dump({"size": S.SIZE, "count": len(labels), "labels": labels}, f, indent=1)
        else:  # one scene a line
            f.write(f'{{"size": {S.SIZE}, "count": {len(labels)}, "labels": [\n' + ",\n".join(json.dumps(l) for l in labels) + "\n]}\n")
    print(f"wrote {len(labels)} scenes to {OUT}/{name}.*")


if __name__ == "__main__":
    main()
