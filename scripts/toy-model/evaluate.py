#!/usr/bin/python3
"""Quick torch evaluation of a training checkpoint: sample every single-object prompt (no position)
× N seeds with DDIM + CFG, decode, and classify background / colour / shape against vocab.json
(v2: --pairs N adds two-object scenes: both colours present, each in its place = relation right).

This is a training-time gauge only; the acceptance check runs the exported ONNX model through the
TypeScript pipeline. Run: /usr/bin/python3 scripts/toy-model/evaluate.py --run /tmp/toy-run
"""
import argparse
import json
import os
import time

import numpy as np
import torch

import diffusion as D
import models as M
import scenes as S
import versions
from toy_tokenizer import ToyTokenizer

PALETTE_BG = {k: np.array(v, np.float32) for k, v in S.VOCAB["backgrounds"].items()}
PALETTE_FG = {k: np.array(v, np.float32) for k, v in S.VOCAB["colours"].items()}


def nearest(rgb: np.ndarray, palette: dict) -> str:
    return min(palette, key=lambda k: float(np.sum((palette[k] - rgb) ** 2)))


def classify(img: np.ndarray) -> dict:
    """img: uint8 [H, W, 3] → {background, colour, shape} (None where no object is found)."""
    f = img.astype(np.float32)
    border = np.concatenate([f[:4].reshape(-1, 3), f[-4:].reshape(-1, 3), f[:, :4].reshape(-1, 3), f[:, -4:].reshape(-1, 3)])
    bg_rgb = np.median(border, axis=0)
    background = nearest(bg_rgb, PALETTE_BG)
    mask = np.sqrt(((f - bg_rgb) ** 2).sum(-1)) > 60  # [H, W]
    if mask.sum() < 50:
        return {"background": background, "colour": None, "shape": None}
    if S.VERSION >= 2:  # stripes: every object pixel votes for the nearest colour or its dark shade
        names = list(S.VOCAB["colours"])
        shade = S.VOCAB["patterns"]["striped"]["shade"]
        pal = np.array([S.VOCAB["colours"][k] for k in names] * 2, np.float32)
        pal[len(names):] *= shade
        votes = np.argmin(((f[mask][:, None, :] - pal[None]) ** 2).sum(-1), axis=1) % len(names)
        colour = names[int(np.bincount(votes, minlength=len(names)).argmax())]
    else:
        colour = nearest(np.median(f[mask], axis=0), PALETTE_FG)
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    size = max(x1 - x0, y1 - y0)
    best, best_iou = None, -1.0
    for shape in S.SHAPES:
        tmpl = S.shape_mask(shape, (x0 + x1) / 2, (y0 + y1) / 2, size, n=img.shape[0], ss=2) > 0.5
        iou = (tmpl & mask).sum() / max((tmpl | mask).sum(), 1)
        if iou > best_iou:
            best, best_iou = shape, iou
    return {"background": background, "colour": colour, "shape": best}


def pair_scenes(n: int, seed: int = 123) -> list:
    """v2: n seeded pair scenes (captions with sizes / stripes / relations as in training)."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        scene = S.random_scene(rng)
        if scene.kind == "pair":
            out.append(scene)
    return out


def classify_pair(img: np.ndarray, scene) -> dict:
    """v2 pair gauge: each object's half of the image (split between the relation's two anchors; the
    other half painted with the frame's colour) classified as a single object. both_colours: the two
    colours found are the two asked for, in either place; relation: each in its own place."""
    f = img.astype(np.float32)
    frame = np.concatenate([f[:4].reshape(-1, 3), f[-4:].reshape(-1, 3), f[:, :4].reshape(-1, 3), f[:, -4:].reshape(-1, 3)])
    bg_rgb = np.median(frame, axis=0)
    reads = []
    for obj in scene.objects:
        part = f.copy()
        horizontal = abs(scene.objects[0].cy - scene.objects[1].cy) < abs(scene.objects[0].cx - scene.objects[1].cx)
        half = S.SIZE // 2
        if horizontal:
            if obj.cx < half:
                part[:, half:] = bg_rgb
            else:
                part[:, :half] = bg_rgb
        elif obj.cy < half:
            part[half:] = bg_rgb
        else:
            part[:half] = bg_rgb
        reads.append(classify(part.round().astype(np.uint8)))
    want = [o.colour for o in scene.objects]
    got = [r["colour"] for r in reads]
    return {"both_colours": sorted(want) == sorted(c or "" for c in got), "relation": want == got,
            "shapes": [o.shape for o in scene.objects] == [r["shape"] for r in reads],
            "background": reads[0]["background"] == scene.background}


def load_run(run: str, tok: ToyTokenizer, checkpoint: str = "unet_text.pt"):
    ae = torch.load(os.path.join(run, "ae.pt"))
    ck = torch.load(os.path.join(run, checkpoint))
    dec = M.Decoder()
    dec.load_state_dict(ae["decoder"])
    unet, text = M.UNet2DConditionModel(M.UNET_CONFIG), M.text_encoder(len(tok.vocab))
    unet.load_state_dict(ck["unet"])
    text.load_state_dict(ck["text"])
    return dec.eval(), unet.eval(), text.eval(), ae["scaling_factor"], ck["step"]


@torch.no_grad()
def generate(dec, unet, text, scaling, tok, captions, seeds, steps, guidance, sampler="ddim"):
    ids = torch.tensor([tok.encode(c) for c in captions], dtype=torch.int64)
    cond = text(ids)
    uncond = text(torch.tensor([tok.encode("")], dtype=torch.int64)).expand_as(cond)
    noise = torch.stack([torch.randn((4, 16, 16), generator=torch.Generator().manual_seed(s)) for s in seeds])

    def eps_fn(x, t):
        out = unet(torch.cat([x, x]), torch.cat([t, t]), torch.cat([uncond, cond]))
        e_u, e_c = out.chunk(2)
        return e_u + guidance * (e_c - e_u)

    if sampler == "ddim":
        lat = D.ddim_sample(eps_fn, noise, steps)
    else:
        lat = D.sigma_sample(eps_fn, noise, steps, sampler)
    img = dec(lat / scaling)
    return ((img.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def main() -> None:
    p = argparse.ArgumentParser()
    versions.add_argument(p)
    p.add_argument("--run", default="/tmp/toy-run")
    p.add_argument("--checkpoint", default="unet_text.pt", help="U-Net + text encoder weights in --run (e.g. unet_text_4800.pt)")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--guidance", type=float, default=6.0)
    p.add_argument("--sampler", default="ddim", choices=["ddim", "euler", "dpmpp-2m-karras"])
    p.add_argument("--grid", default="", help="save a PNG grid of the samples here")
    p.add_argument("--pairs", type=int, default=0, help="v2: also N seeded two-object scenes (seed = index + 1)")
    args = p.parse_args()
    versions.select(args.version)
    torch.set_num_threads(1)
    M.Attention.scores_by_bmm = True
    tok = ToyTokenizer(S.scene_words())
    dec, unet, text, scaling, step = load_run(args.run, tok, args.checkpoint)
    prompts = S.single_prompts()
    captions = [p[0] for p in prompts for _ in args.seeds]
    seeds = [s for _ in prompts for s in args.seeds]
    t0 = time.time()
    imgs = np.concatenate([generate(dec, unet, text, scaling, tok, captions[i:i + 54], seeds[i:i + 54],
                                    args.steps, args.guidance, args.sampler) for i in range(0, len(captions), 54)])
    hits = {"background": 0, "colour": 0, "shape": 0}
    misses = []
    for k, img in enumerate(imgs):
        _, colour, shape, bg = prompts[k // len(args.seeds)]
        got = classify(img)
        for key, want in (("background", bg), ("colour", colour), ("shape", shape)):
            hits[key] += got[key] == want
        if got["shape"] != shape:
            misses.append(f"{captions[k]} → {got['shape']}")
    n = len(imgs)
    result = {k: round(v / n, 3) for k, v in hits.items()}
    print(json.dumps({"step": step, "sampler": args.sampler, "steps": args.steps, "guidance": args.guidance, "n": n, **result,
                      "seconds": round(time.time() - t0, 1)}), flush=True)
    print("shape misses:", "; ".join(misses[:12]))
    if args.pairs:
        scenes = pair_scenes(args.pairs)
        t0 = time.time()
        pimgs = np.concatenate([generate(dec, unet, text, scaling, tok, [s.caption for s in scenes[i:i + 54]],
                                         list(range(i + 1, i + 1 + len(scenes[i:i + 54]))), args.steps, args.guidance,
                                         args.sampler) for i in range(0, len(scenes), 54)])
        reads = [classify_pair(img, s) for img, s in zip(pimgs, scenes)]
        pr = {k: round(sum(r[k] for r in reads) / len(reads), 3) for k in reads[0]}
        print(json.dumps({"step": step, "pairs": len(reads), **pr, "seconds": round(time.time() - t0, 1)}), flush=True)
        imgs = np.concatenate([imgs, pimgs])
        n = len(imgs)
    if args.grid:
        from PIL import Image
        rows = [np.concatenate(list(imgs[i:i + 12]), 1) for i in range(0, n - n % 12, 12)]
        Image.fromarray(np.concatenate(rows, 0)).save(args.grid)


if __name__ == "__main__":
    main()
