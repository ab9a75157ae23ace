"""SD's noise schedule (scaled_linear betas 0.00085..0.012, 1000 steps) and a DDIM sampler with CFG.

Used by train.py (forward noising) and evaluate.py (a quick torch sampler, not the shipped pipeline).
"""
from typing import Callable

import torch

T = 1000
BETAS = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=torch.float64) ** 2
ALPHAS_CUMPROD = torch.cumprod(1.0 - BETAS, 0).float()


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    a = ALPHAS_CUMPROD[t].view(-1, 1, 1, 1)
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def min_snr_weight(t: torch.Tensor, gamma: float = 5.0) -> torch.Tensor:
    """Min-SNR-gamma loss weight for epsilon prediction: min(SNR, gamma) / SNR."""
    a = ALPHAS_CUMPROD[t]
    snr = a / (1 - a)
    return torch.clamp(snr, max=gamma) / snr


@torch.no_grad()
def ddim_sample(eps_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], noise: torch.Tensor,
                steps: int = 20) -> torch.Tensor:
    """Deterministic DDIM (eta 0), diffusers' 'leading' spacing with steps_offset 1. noise: [B, 4, h, w]."""
    ratio = T // steps
    ts = (torch.arange(steps) * ratio).flip(0) + 1
    x = noise
    for i, t in enumerate(ts):
        a = ALPHAS_CUMPROD[t]
        a_prev = ALPHAS_CUMPROD[ts[i + 1]] if i + 1 < steps else ALPHAS_CUMPROD[0]
        eps = eps_fn(x, t.float().expand(x.shape[0]))
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x
