"""The toy model's networks: a factor-8 autoencoder, a CLIP-like text encoder, and the U-Net config.

The U-Net is scripts/fixtures/tiny_unet.py (diffusers' module names, so the attn1 graph surgery finds
its sites), imported, not copied. The autoencoder is a plain conv AE (no GroupNorm, few ONNX nodes):
128x128x3 → 16x16x4 latents (SD's factor 8) and back; its names are not diffusers'.
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from tiny_unet import Attention, TinyUnetConfig, UNet2DConditionModel  # noqa: E402,F401

TEXT_WIDTH = 64
UNET_CONFIGS = {
    # v1: self-attention at 16x16 (down_blocks.0, up_blocks.1) + mid at 8x8 — depth 1 everywhere
    1: TinyUnetConfig(
        in_channels=4, out_channels=4, block_out_channels=(32, 64), layers_per_block=1,
        attention_heads=(2, 4), cross_attention_dim=TEXT_WIDTH, norm_num_groups=8, norm_eps=1e-5,
    ),
    # v2: SD1.x's attention levels scaled down (320/640/1280 → 32/64/128), without its attention-free
    # 4th level: CrossAttnDownBlock2D at 16x16, 8x8 and 4x4 (the last without a downsampler), mid at
    # 4x4, CrossAttnUpBlock2D at 4x4, 8x8, 16x16; SA depths 1 / 2 / 4 (mid 4); dim_head 16
    2: TinyUnetConfig(
        in_channels=4, out_channels=4, block_out_channels=(32, 64, 128), layers_per_block=1,
        attention_heads=(2, 4, 8), cross_attention_dim=TEXT_WIDTH, norm_num_groups=8, norm_eps=1e-5,
        down_block_types=("CrossAttnDownBlock2D",) * 3,
    ),
}
TEXT_LAYERS_BY_VERSION = {1: 2, 2: 3}  # v2's captions bind colour / size / pattern to one of two objects
UNET_CONFIG = UNET_CONFIGS[1]
TEXT_LAYERS = TEXT_LAYERS_BY_VERSION[1]


def use_version(version: int) -> None:
    """Makes version's U-Net config and text-encoder depth the module's (versions.select() calls this)."""
    global UNET_CONFIG, TEXT_LAYERS
    UNET_CONFIG = UNET_CONFIGS[version]
    TEXT_LAYERS = TEXT_LAYERS_BY_VERSION[version]


class ResBlock(nn.Module):
    """x + conv(silu(conv(silu(x)))); no normalisation."""

    def __init__(self, c: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.silu(self.conv1(F.silu(x))))


ENC_CH = (16, 32, 64, 96)  # at 128, 64, 32, 16
DEC_CH = (96, 64, 32, 16)  # at 16, 32, 64, 128


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = ENC_CH
        self.conv_in = nn.Conv2d(3, c[0], 3, padding=1)
        self.down = nn.ModuleList([nn.Conv2d(c[i], c[i + 1], 3, stride=2, padding=1) for i in range(3)])
        self.res = nn.ModuleList([ResBlock(c[i + 1]) for i in range(3)])
        self.conv_out = nn.Conv2d(c[3], 4, 3, padding=1)

    def forward(self, sample: torch.Tensor) -> torch.Tensor:
        # sample: [B, 3, 8h, 8w] in [-1, 1] → latent mean [B, 4, h, w]
        x = self.conv_in(sample)
        for down, res in zip(self.down, self.res):
            x = res(down(F.silu(x)))
        return self.conv_out(F.silu(x))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = DEC_CH
        self.conv_in = nn.Conv2d(4, c[0], 3, padding=1)
        self.res_in = ResBlock(c[0])
        self.up = nn.ModuleList([nn.Conv2d(c[i], c[i + 1], 3, padding=1) for i in range(3)])
        self.res = nn.ModuleList([ResBlock(c[i + 1]) for i in range(2)])
        self.conv_out = nn.Conv2d(c[3], 3, 3, padding=1)

    def forward(self, latent_sample: torch.Tensor) -> torch.Tensor:
        # latent_sample: [B, 4, h, w] (unscaled) → sample [B, 3, 8h, 8w] in [-1, 1]
        x = self.res_in(self.conv_in(latent_sample))
        for i, up in enumerate(self.up):
            x = up(F.interpolate(F.silu(x), scale_factor=2.0, mode="nearest"))
            if i < len(self.res):
                x = self.res[i](x)
        return torch.tanh(self.conv_out(F.silu(x)))


class ClipLayer(nn.Module):
    """CLIP's pre-LN encoder layer (names as transformers' CLIPEncoderLayer), causal self-attention."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.layer_norm1 = nn.LayerNorm(width)
        self.q_proj, self.k_proj = nn.Linear(width, width), nn.Linear(width, width)
        self.v_proj, self.out_proj = nn.Linear(width, width), nn.Linear(width, width)
        self.layer_norm2 = nn.LayerNorm(width)
        self.fc1, self.fc2 = nn.Linear(width, width * 4), nn.Linear(width * 4, width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, s, d = x.shape  # x: [B, S, D]
        h = self.layer_norm1(x)
        split = lambda t: t.reshape(b, s, self.heads, d // self.heads).transpose(1, 2)  # noqa: E731  [B, H, S, d]
        q, k, v = split(self.q_proj(h)), split(self.k_proj(h)), split(self.v_proj(h))
        att = torch.softmax(q @ k.transpose(-1, -2) * (d // self.heads) ** -0.5 + mask, dim=-1)  # [B, H, S, S]
        x = x + self.out_proj((att @ v).transpose(1, 2).reshape(b, s, d))
        h = self.fc1(self.layer_norm2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))  # quick_gelu


class TextEncoder(nn.Module):
    """CLIP's interface: input_ids [B, 77] int64 → last_hidden_state [B, 77, D]; causal pre-LN layers."""

    def __init__(self, vocab_size: int, width: int = TEXT_WIDTH, layers: int = 2, heads: int = 4, seq: int = 77):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Parameter(torch.randn(seq, width) * 0.01)
        self.layers = nn.ModuleList([ClipLayer(width, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(width)
        self.register_buffer("causal_mask", torch.triu(torch.full((seq, seq), -1e9), 1), persistent=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(input_ids) + self.position_embedding[None]  # [B, 77, D]
        for layer in self.layers:
            x = layer(x, self.causal_mask)
        return self.final_layer_norm(x)


def text_encoder(vocab_size: int) -> "TextEncoder":
    """The selected version's text encoder."""
    return TextEncoder(vocab_size, layers=TEXT_LAYERS)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
