#!/usr/bin/python3
"""Checks a run's autoencoder on fresh scenes before the U-Net's hours are spent on its latents.

Reconstructs N seeded scenes of the selected version (v2: with stripes, sizes, pairs) and prints the
mean |error| (0..255) overall, on object pixels and on striped objects, the stripe contrast kept
(reconstructed / true standard deviation of row means inside striped objects; 1 = stripes kept,
0 = washed out), and the same for latents pushed outward ×1.5 (how CFG's push decodes). --grid
writes originals over reconstructions as a PNG.
Run: /usr/bin/python3 scripts/toy-model/ae_check.py --version 2 --run /work/toy-v2-run [--grid ae.png]
"""
import argparse
import json
import os

import numpy as np
import torch

import models as M
import scenes as S
import versions


def stripe_contrast(img: np.ndarray, obj: S.SceneObject) -> float:
    """Std of the row means over the inner half of the object's box (stripes are horizontal)."""
    q = obj.size / 4
    y0, y1, x0, x1 = (int(round(v)) for v in (obj.cy - q, obj.cy + q, obj.cx - q, obj.cx + q))
    rows = img[y0:y1, x0:x1].astype(np.float32).mean(axis=(1, 2))
    return float(rows.std()) if rows.size > 1 else 0.0


@torch.no_grad()
def main() -> None:
    p = argparse.ArgumentParser()
    versions.add_argument(p)
    p.add_argument("--run", required=True)
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--seed", type=int, default=99)
    p.add_argument("--grid", default="")
    args = p.parse_args()
    versions.select(args.version)
    torch.set_num_threads(1)
    ae = torch.load(os.path.join(args.run, "ae.pt"))
    enc, dec = M.Encoder(), M.Decoder()
    enc.load_state_dict(ae["encoder"])
    dec.load_state_dict(ae["decoder"])
    rng = np.random.default_rng(args.seed)
    scenes = [S.random_scene(rng) for _ in range(args.n)]
    x = np.stack([S.render(s) for s in scenes])
    z = enc(torch.from_numpy(x).permute(0, 3, 1, 2).float() / 127.5 - 1)
    out = {}
    for label, zz in (("plain", z), ("pushed x1.5", z * 1.5)):
        y = ((dec(zz).clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
        err = np.abs(y.astype(np.float32) - x.astype(np.float32)).mean(-1)  # [N, H, W]
        obj_mask = np.abs(x.astype(np.float32) - np.array([S.VOCAB["backgrounds"][s.background] for s in scenes],
                                                          np.float32)[:, None, None]).sum(-1) > 30
        kept = [stripe_contrast(y[i], o) / max(stripe_contrast(x[i], o), 1e-6)
                for i, s in enumerate(scenes) for o in s.objects if o.pattern]
        out[label] = {"mean_abs_error": round(float(err.mean()), 2), "object_abs_error": round(float(err[obj_mask].mean()), 2),
                      "stripe_contrast_kept": round(float(np.mean(kept)), 3) if kept else None, "striped_objects": len(kept)}
        if label == "plain":
            recon = y
    print(json.dumps({"run": args.run, "n": args.n, "scaling_factor": ae["scaling_factor"], **out}))
    if args.grid:
        from PIL import Image
        k = min(args.n, 16)
        Image.fromarray(np.concatenate([np.concatenate(list(x[:k]), 1), np.concatenate(list(recon[:k]), 1)], 0)).save(args.grid)


if __name__ == "__main__":
    main()
