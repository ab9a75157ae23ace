"""Seeded generator of the toy model's synthetic scenes: solid shapes on plain backgrounds + captions.

The vocabulary (shapes, palettes, positions, templates) lives in vocab.json next to this file and is
copied to public/models/toy/slothful_toy.json, so the app and the TypeScript checks use the same words
and colours. Images are uint8 [H, W, 3], rendered with 4x4 supersampling (anti-aliased edges).
"""
import json
import os
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = json.load(open(os.path.join(HERE, "vocab.json")))
SIZE = VOCAB["imageSize"]
SHAPES: List[str] = VOCAB["shapes"]
COLOURS: List[str] = list(VOCAB["colours"])
BACKGROUNDS: List[str] = list(VOCAB["backgrounds"])
POSITIONS: List[str] = list(VOCAB["positions"])
SS = 4  # supersampling factor per axis


@dataclass
class SceneObject:
    shape: str
    colour: str
    cx: float  # centre, pixels
    cy: float
    size: float  # bbox side, pixels


@dataclass
class Scene:
    background: str
    objects: List[SceneObject]
    caption: str
    kind: str  # single | singleAt | pair
    position: Optional[str] = None


def shape_mask(shape: str, cx: float, cy: float, size: float, n: int = SIZE, ss: int = SS) -> np.ndarray:
    """Coverage in [0, 1] of one shape, [n, n] float32 (box-filtered from an ss-times finer grid)."""
    half = size / 2
    x0, x1 = max(int(cx - half) - 1, 0), min(int(cx + half) + 2, n)  # only the bbox is sampled
    y0, y1 = max(int(cy - half) - 1, 0), min(int(cy + half) + 2, n)
    ys = y0 + (np.arange((y1 - y0) * ss, dtype=np.float32) + 0.5) / ss
    xs = x0 + (np.arange((x1 - x0) * ss, dtype=np.float32) + 0.5) / ss
    y, x = np.meshgrid(ys, xs, indexing="ij")
    if shape == "circle":
        inside = (x - cx) ** 2 + (y - cy) ** 2 <= half * half
    elif shape == "square":
        inside = (np.abs(x - cx) <= half) & (np.abs(y - cy) <= half)
    elif shape == "triangle":  # upward isosceles: apex at top centre, base = bbox bottom
        top, bottom = cy - half, cy + half
        frac = (y - top) / size  # 0 at apex, 1 at base
        inside = (y >= top) & (y <= bottom) & (np.abs(x - cx) <= frac * half)
    else:
        raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")
    out = np.zeros((n, n), np.float32)
    out[y0:y1, x0:x1] = inside.reshape(y1 - y0, ss, x1 - x0, ss).mean(axis=(1, 3))
    return out


def render(scene: Scene, n: int = SIZE) -> np.ndarray:
    """uint8 [n, n, 3] image of a scene."""
    img = np.empty((n, n, 3), np.float32)
    img[:] = np.array(VOCAB["backgrounds"][scene.background], np.float32)
    for obj in scene.objects:
        m = shape_mask(obj.shape, obj.cx, obj.cy, obj.size, n)[..., None]
        img = img * (1 - m) + m * np.array(VOCAB["colours"][obj.colour], np.float32)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def caption_of(kind: str, bg: str, objs: List[SceneObject], position: Optional[str] = None) -> str:
    t = VOCAB["captionTemplates"][kind]
    if kind == "pair":
        return t.format(colour1=objs[0].colour, shape1=objs[0].shape, colour2=objs[1].colour,
                        shape2=objs[1].shape, background=bg)
    return t.format(colour=objs[0].colour, shape=objs[0].shape, position=position, background=bg)


def _place(rng: np.random.Generator, anchor: Tuple[float, float], size: float, jitter: float):
    half = size / 2
    cx = np.clip(anchor[0] + rng.uniform(-jitter, jitter), half, SIZE - half)
    cy = np.clip(anchor[1] + rng.uniform(-jitter, jitter), half, SIZE - half)
    return float(cx), float(cy)


def random_scene(rng: np.random.Generator) -> Scene:
    """One scene drawn with captionMix; an object's colour never equals the background (palettes differ)."""
    mix = VOCAB["captionMix"]
    kind = rng.choice(list(mix), p=np.array(list(mix.values())) / sum(mix.values()))
    bg = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    lo, hi = VOCAB["objectSize"]
    jitter = VOCAB["positionJitter"]
    pick = lambda: (SHAPES[rng.integers(len(SHAPES))], COLOURS[rng.integers(len(COLOURS))])  # noqa: E731
    if kind == "pair":
        objs = []
        for side in ("left", "right"):
            shape, colour = pick()
            size = rng.uniform(lo, 56)  # two objects side by side: capped so they never overlap
            cx, cy = _place(rng, VOCAB["positions"][side], size, 3)
            objs.append(SceneObject(shape, colour, cx, cy, size))
        return Scene(bg, objs, caption_of(kind, bg, objs), kind)
    shape, colour = pick()
    size = rng.uniform(lo, hi)
    position = POSITIONS[rng.integers(len(POSITIONS))] if kind == "singleAt" else None
    anchor = VOCAB["positions"][position or "center"]
    cx, cy = _place(rng, anchor, size, jitter)
    objs = [SceneObject(shape, colour, cx, cy, size)]
    return Scene(bg, objs, caption_of(kind, bg, objs, position), kind, position)


def single_prompts() -> List[Tuple[str, str, str, str]]:
    """(caption, colour, shape, background) for every single-object prompt without position."""
    out = []
    for bg in BACKGROUNDS:
        for colour in COLOURS:
            for shape in SHAPES:
                obj = SceneObject(shape, colour, 64, 64, 54)
                out.append((caption_of("single", bg, [obj]), colour, shape, bg))
    return out


def scene_words() -> List[str]:
    """Every word a caption can contain, in a fixed order (the tokenizer's merge order)."""
    words: List[str] = []
    for t in VOCAB["captionTemplates"].values():
        for w in t.replace("{", " ").replace("}", " ").split():
            if not any(w.startswith(p) for p in ("colour", "shape", "position", "background")) or w == "background":
                if w not in words:
                    words.append(w)
    for w in SHAPES + COLOURS + BACKGROUNDS + POSITIONS:
        if w not in words:
            words.append(w)
    return words
