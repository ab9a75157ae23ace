#!/usr/bin/env python3
"""Reference normals from real PyTorch for src/pipeline/random.ts.

Writes src/pipeline/__vectors__/randn.json: float32 bits of torch.randn drawn from seeded CPU
generators. Run with a torch that uses the AVX2 kernels (any x86-64 build; the script records the
CPU capability and refuses others):

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 scripts/torch-reference/randn_vectors.py

Each case is a list of successive draws from one generator. Draws of up to 1024 values are stored
in full (8 hex digits of the float32 bit pattern per value, concatenated); longer draws as the
FNV-1a-32 hash of their uint32 bit patterns plus the first and last 64 values.
"""
import json
import pathlib

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parents[2] / "src/pipeline/__vectors__/randn.json"
SEEDS = [0, 1, 42, 2**32 + 7, 123456789]
LENGTHS = [1, 5, 15, 16, 17, 31, 100, 1024, 4 * 64 * 64]
SEQUENCES = [[5, 5], [5, 16, 3], [1, 1, 1], [17, 4], [4 * 64 * 64, 4 * 64 * 64]]
FULL_LIMIT = 1024
EDGE = 64


def cpu_capability() -> str:
    text = torch.__config__.show()
    return text.split("CPU capability usage:")[1].split("\n")[0].strip()


def hex_of(bits: np.ndarray) -> str:
    return "".join(f"{int(b):08x}" for b in bits)


def fnv1a32(bits: np.ndarray) -> str:
    h = 0x811C9DC5
    for word in bits.tolist():
        for shift in (0, 8, 16, 24):  # little-endian bytes of each uint32
            h ^= (word >> shift) & 0xFF
            h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def draw_record(values: torch.Tensor) -> dict:
    bits = values.numpy().astype(np.float32).view(np.uint32)
    if bits.size <= FULL_LIMIT:
        return {"count": int(bits.size), "hex": hex_of(bits)}
    return {
        "count": int(bits.size),
        "fnv1a32": fnv1a32(bits),
        "headHex": hex_of(bits[:EDGE]),
        "tailHex": hex_of(bits[-EDGE:]),
    }


def draws(seed: int, counts: list[int]) -> list[dict]:
    gen = torch.Generator("cpu").manual_seed(seed)
    out = [torch.randn(c, generator=gen, dtype=torch.float32) for c in counts]
    # The global generator (torch.manual_seed) gives the same stream; shape does not matter.
    torch.manual_seed(seed)
    for c, v in zip(counts, out):
        again = torch.randn((1, c) if c % 2 else (2, c // 2))
        assert torch.equal(again.flatten(), v), f"global vs Generator stream differ (seed {seed})"
    return [draw_record(v) for v in out]


def main() -> None:
    capability = cpu_capability()
    if capability != "AVX2":
        raise SystemExit(f"torch runs its {capability} kernels here; the vectors must come from AVX2 ones.")
    cases = []
    for seed in SEEDS:
        for n in LENGTHS:
            cases.append({"seed": seed, "draws": draws(seed, [n])})
        for counts in SEQUENCES:
            cases.append({"seed": seed, "draws": draws(seed, counts)})
    doc = {
        "source": f"torch {torch.__version__}, CPU capability {capability}",
        "generator": "torch.Generator('cpu').manual_seed(seed); torch.randn(count, generator=g) per draw",
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
