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


SIGMAS = ((1 - ALPHAS_CUMPROD) / ALPHAS_CUMPROD).sqrt()  # σ_t, t = 0..999


def _sigma_at(t: torch.Tensor) -> torch.Tensor:
    """σ at fractional timesteps (linear in t, as diffusers' Euler interpolates)."""
    lo = t.floor().long().clamp(0, T - 1)
    hi = (lo + 1).clamp(max=T - 1)
    w = t - lo.float()
    return SIGMAS[lo] * (1 - w) + SIGMAS[hi] * w


def _t_of_sigma(sigma: torch.Tensor) -> torch.Tensor:
    """Fractional timestep of σ by log-σ interpolation (diffusers' _sigma_to_t)."""
    log_s = SIGMAS.log()
    idx = torch.searchsorted(log_s, sigma.log().clamp(log_s[0], log_s[-1])).clamp(1, T - 1)
    lo, hi = log_s[idx - 1], log_s[idx]
    return (idx - 1).float() + (sigma.log() - lo) / (hi - lo)


@torch.no_grad()
def sigma_sample(eps_fn, noise: torch.Tensor, steps: int, method: str) -> torch.Tensor:
    """'euler' (linspace spacing) or 'dpmpp-2m-karras' (ρ 7, 2nd order, final σ 0) in σ space."""
    if method == "euler":
        ts = torch.linspace(0, T - 1, steps).flip(0)
        sig = _sigma_at(ts)
    elif method == "dpmpp-2m-karras":
        s_min, s_max = SIGMAS[0].item(), SIGMAS[-1].item()
        ramp = torch.linspace(0, 1, steps)
        sig = (s_max ** (1 / 7) + ramp * (s_min ** (1 / 7) - s_max ** (1 / 7))) ** 7
        ts = _t_of_sigma(sig).round()
    else:
        raise ValueError(f"unknown sampler {method!r}")
    sig = torch.cat([sig, torch.zeros(1)])
    x = noise * sig[0]
    old = None
    for i in range(steps):
        s, s_next = sig[i], sig[i + 1]
        eps = eps_fn(x / (s * s + 1).sqrt(), ts[i].expand(x.shape[0]))
        x0 = x - s * eps
        if method == "euler" or s_next == 0:
            x = x0 if s_next == 0 else x + (s_next - s) * eps
        else:
            h = (s / s_next).log()
            d = x0 if old is None else (1 + 1 / (2 * h_last / h)) * x0 - (1 / (2 * h_last / h)) * old
            x = (s_next / s) * x - torch.expm1(-h) * d
        old, h_last = x0, (s / s_next).log() if s_next > 0 else None
    return x
