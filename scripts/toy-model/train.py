#!/usr/bin/python3
"""Trains the Slothful toy model on one CPU thread: autoencoder → latents → U-Net + text encoder.

Reproducible from the seed and the step counts (no time budgets): run
    /usr/bin/python3 scripts/toy-model/train.py --seed 0 --out /tmp/toy-run
(--version 2 trains toy model v2; see README.md for its command.)
Stages (each saves a checkpoint in --out, so later stages can be re-run with --resume-ae):
  1. autoencoder on 64x64 crops (aligned to 8) of fresh scenes; L1 + MSE + a tiny latent L2 penalty
  2. encode --n-latents scenes; scaling_factor = 1 / std of the latents (SD's convention)
  3. U-Net (eps prediction, SD's scaled_linear schedule, min-SNR-5 weights) + text encoder jointly,
     10% caption dropout (empty caption) for classifier-free guidance; EMA weights are what is exported.
     Every --save-every steps: unet_text_<step>.pt (EMA weights, what export.py reads) and state.pt (the
     whole training state); --resume state.pt continues the same run (same schedule, same batches).
"""
import argparse
import copy
import json
import math
import os
import platform
import shutil
import time

import numpy as np
import torch
import torch.nn.functional as F

import diffusion as D
import models as M
import scenes as S
import versions
from toy_tokenizer import ToyTokenizer

T0 = time.time()


def log(msg: str) -> None:
    """[wall seconds | this process's CPU seconds] message: CPU time is what one core costs on a shared machine."""
    print(f"[{time.time() - T0:7.1f}s | cpu {time.process_time():7.1f}s] {msg}", flush=True)


def to_tensor(imgs: np.ndarray) -> torch.Tensor:
    """uint8 [B, H, W, 3] → float [B, 3, H, W] in [-1, 1]."""
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(total - warmup, 1))))


def ae_batch(rng: np.random.Generator, batch: int, crop: int) -> torch.Tensor:
    """Crops of fresh scenes, origin a multiple of 8, mostly around an object."""
    out = np.empty((batch, crop, crop, 3), np.uint8)
    for i in range(batch):
        scene = S.random_scene(rng)
        img = S.render(scene)
        obj = scene.objects[rng.integers(len(scene.objects))]
        ox = int(np.clip(obj.cx - crop / 2 + rng.uniform(-crop / 3, crop / 3), 0, S.SIZE - crop)) // 8 * 8
        oy = int(np.clip(obj.cy - crop / 2 + rng.uniform(-crop / 3, crop / 3), 0, S.SIZE - crop)) // 8 * 8
        out[i] = img[oy:oy + crop, ox:ox + crop]
    return to_tensor(out)


def train_ae(args, rng: np.random.Generator):
    enc, dec = M.Encoder(), M.Decoder()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=args.ae_lr)
    for step in range(args.ae_steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.ae_steps, args.ae_lr, 50)
        x = ae_batch(rng, args.ae_batch, 64)  # x: [B, 3, 64, 64]
        z = enc(x)  # z: [B, 4, 8, 8]
        y = dec(z)
        rec_l1, rec_l2 = (y - x).abs().mean(), (y - x).pow(2).mean()
        loss = rec_l1 + rec_l2 + args.latent_penalty * z.pow(2).mean()
        if args.ae_aug_scale > 0 or args.ae_aug_noise > 0:
            # the decoder also learns to decode latents pushed outward (× 1..1+scale) and jittered, as
            # CFG pushes them (v1's lesson: colours on one line through gray decoded wrongly at high CFG)
            scale = 1 + args.ae_aug_scale * torch.rand(z.shape[0], 1, 1, 1)
            jitter = args.ae_aug_noise * z.detach().std() * torch.randn(z.shape)
            y_aug = dec(z * scale + jitter)
            loss = loss + (y_aug - x).abs().mean() + (y_aug - x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == args.ae_steps - 1:
            log(f"ae step {step} l1 {rec_l1.item():.4f} mse {rec_l2.item():.5f} z_std {z.std().item():.3f}")
    return enc.eval(), dec.eval()


@torch.no_grad()
def encode_dataset(args, enc, tok: ToyTokenizer, rng: np.random.Generator):
    latents, ids, kinds = [], [], []
    for start in range(0, args.n_latents, 64):
        n = min(64, args.n_latents - start)
        batch = [S.random_scene(rng) for _ in range(n)]
        latents.append(enc(to_tensor(np.stack([S.render(s) for s in batch]))))
        ids += [tok.encode(s.caption) for s in batch]
        kinds += [s.kind for s in batch]
    return torch.cat(latents), torch.tensor(ids, dtype=torch.int64), kinds


def ema_update(ema, model, decay: float) -> None:
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(p, alpha=1 - decay)


def train_unet(args, latents, ids, tok: ToyTokenizer, gen: torch.Generator, start=None, resume=None):
    torch.manual_seed(args.seed + 2)  # same init whether or not stage 1 ran in this process
    unet, text = M.UNet2DConditionModel(M.UNET_CONFIG), M.text_encoder(len(tok.vocab))
    if start is not None:  # stage 3: continue from a saved EMA checkpoint
        unet.load_state_dict(start["unet"])
        text.load_state_dict(start["text"])
    ema_unet, ema_text = copy.deepcopy(unet), copy.deepcopy(text)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=args.unet_lr, weight_decay=0.01)
    first = 0
    if resume is not None:  # the whole state of the same run: continue where it stopped
        unet.load_state_dict(resume["unet"])
        text.load_state_dict(resume["text"])
        ema_unet.load_state_dict(resume["ema_unet"])
        ema_text.load_state_dict(resume["ema_text"])
        opt.load_state_dict(resume["opt"])
        gen.set_state(resume["gen"])
        first = resume["step"]
    log(f"U-Net {M.count_params(unet)} parameters, text encoder {M.count_params(text)}")
    empty = torch.tensor(tok.encode(""), dtype=torch.int64)
    n = latents.shape[0]
    for step in range(first, args.unet_steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.unet_steps, args.unet_lr, 100 if start is None else 20)
        idx = torch.randint(0, n, (args.unet_batch,), generator=gen)
        x0 = latents[idx]  # x0: [B, 4, 16, 16], already × scaling_factor
        cond = ids[idx].clone()
        drop = torch.rand(args.unet_batch, generator=gen) < args.caption_dropout
        cond[drop] = empty
        t = torch.randint(0, D.T, (args.unet_batch,), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        eps = unet(D.add_noise(x0, noise, t), t.float(), text(cond))
        per = (eps - noise).pow(2).mean(dim=(1, 2, 3))
        loss = (per * D.min_snr_weight(t)).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        ema_update(ema_unet, unet, decay)
        ema_update(ema_text, text, decay)
        if step % 50 == 0 or step == args.unet_steps - 1:
            log(f"unet step {step} loss {loss.item():.4f} mse {per.mean().item():.4f}")
        stop = args.stop_at and step + 1 >= args.stop_at
        if (step + 1) % args.save_every == 0 or step == args.unet_steps - 1 or stop:
            save_unet(args, ema_unet, ema_text, step + 1 + (0 if start is None else start["step"]))
            if start is None:  # --continue-from runs (v1's stages 3-6) keep no resumable state
                save_state(args, unet, text, ema_unet, ema_text, opt, gen, step + 1)
        if stop:
            log(f"--stop-at {args.stop_at}: stopping (the schedule runs to {args.unet_steps}; --resume goes on)")
            break
    return ema_unet, ema_text


def save_state(args, unet, text, ema_unet, ema_text, opt, gen: torch.Generator, step: int) -> None:
    """state.pt: everything --resume needs to continue this run exactly (weights, EMA, AdamW, batch RNG)."""
    path = os.path.join(args.out, "state.pt")
    torch.save({"unet": unet.state_dict(), "text": text.state_dict(), "ema_unet": ema_unet.state_dict(),
                "ema_text": ema_text.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(), "step": step,
                "args": vars(args)}, path + ".tmp")
    os.replace(path + ".tmp", path)
    log(f"saved training state at step {step} → {path}")


def save_unet(args, unet, text, step: int) -> None:
    path = os.path.join(args.out, "unet_text.pt")
    torch.save({"unet": unet.state_dict(), "text": text.state_dict(), "step": step}, path + ".tmp")
    os.replace(path + ".tmp", path)
    shutil.copyfile(path, os.path.join(args.out, f"unet_text_{step}.pt"))  # each save kept: pick any step
    log(f"saved EMA U-Net + text encoder at step {step} → {path} (+ unet_text_{step}.pt)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    versions.add_argument(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="/tmp/toy-run")
    p.add_argument("--ae-steps", type=int, default=700)
    p.add_argument("--ae-batch", type=int, default=16)
    p.add_argument("--ae-lr", type=float, default=1.5e-3)
    p.add_argument("--latent-penalty", type=float, default=1e-4)
    p.add_argument("--ae-aug-scale", type=float, default=0.0,
                   help="also decode latents × U(1, 1 + this) (+ --ae-aug-noise): a decoder robust to CFG's push")
    p.add_argument("--ae-aug-noise", type=float, default=0.0, help="… + this × std(z) × N(0, 1)")
    p.add_argument("--resume-ae", action="store_true", help="reuse --out/ae.pt and latents.pt")
    p.add_argument("--n-latents", type=int, default=8000)
    p.add_argument("--unet-steps", type=int, default=1400)
    p.add_argument("--unet-batch", type=int, default=32)
    p.add_argument("--unet-lr", type=float, default=1e-3)
    p.add_argument("--caption-dropout", type=float, default=0.1)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--save-every", type=int, default=200)
    p.add_argument("--continue-from", default="", help="stage 3: continue from this EMA checkpoint "
                   "(--unet-steps more steps, fresh AdamW, 20 warm-up steps, generator seeded seed + 3)")
    p.add_argument("--resume", default="", help="continue this run from its state.pt (implies --resume-ae; "
                   "pass the same arguments as the run that wrote it, --unet-steps included)")
    p.add_argument("--stop-at", type=int, default=0, help="save and stop after this U-Net step "
                   "(the LR schedule still spans --unet-steps; --resume continues)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (the committed run used 1)")
    args = p.parse_args()
    versions.select(args.version)
    if args.resume:
        args.resume_ae = True
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    log(f"args {json.dumps(vars(args))}")
    log(f"torch {torch.__version__} numpy {np.__version__} python {platform.python_version()} threads {torch.get_num_threads()}")
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed + 1)
    M.Attention.scores_by_bmm = True  # torch 1.13 CPU baddbmm(beta=0) can leak NaN (see tiny_unet.py)
    tok = ToyTokenizer(S.scene_words())
    ae_path, lat_path = os.path.join(args.out, "ae.pt"), os.path.join(args.out, "latents.pt")
    if args.resume_ae:
        ae = torch.load(ae_path)
        lat = torch.load(lat_path)
        log(f"resumed autoencoder and {lat['latents'].shape[0]} latents from {args.out}")
    else:
        enc, dec = train_ae(args, rng)
        latents, ids, kinds = encode_dataset(args, enc, tok, rng)
        scaling = 1.0 / latents.std().item()
        ae = {"encoder": enc.state_dict(), "decoder": dec.state_dict(), "scaling_factor": scaling}
        lat = {"latents": latents, "ids": ids, "kinds": kinds}
        torch.save(ae, ae_path)
        torch.save(lat, lat_path)
        log(f"encoded {latents.shape[0]} scenes; latent mean {latents.mean().item():.4f} std "
            f"{latents.std().item():.4f} → scaling_factor {scaling:.5f}")
    start, resume = None, None
    if args.resume:
        resume = torch.load(args.resume)
        changed = {k: (v, getattr(args, k)) for k, v in resume["args"].items()
                   if k not in ("resume", "resume_ae", "threads", "out", "stop_at", "save_every") and getattr(args, k, None) != v}
        if changed:
            log(f"warning: arguments differ from the run that wrote {args.resume} (old, new): {changed}")
        log(f"resuming from {args.resume} (step {resume['step']} of {args.unet_steps})")
    if args.continue_from:
        start = torch.load(args.continue_from)
        gen = torch.Generator().manual_seed(args.seed + 3)
        log(f"continuing from {args.continue_from} (step {start['step']})")
    train_unet(args, lat["latents"] * ae["scaling_factor"], lat["ids"], tok, gen, start, resume)
    log("done")


if __name__ == "__main__":
    main()
