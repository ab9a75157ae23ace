"""Seeded generator of the toy model's synthetic scenes: solid shapes on plain backgrounds + captions.

The vocabulary (shapes, palettes, positions, templates) lives in vocab.json next to this file (v1) or
in v2/vocab.json (v2: one or two objects, sizes, stripes, relations; chosen by use_vocab(), which
versions.select() calls) and is copied to public/models/toy/slothful_toy.json, so the app and the
TypeScript checks use the same words and colours. Images are uint8 [H, W, 3], rendered with 4x4
supersampling (anti-aliased edges). v1's scenes and captions are exactly what v1 was trained on.
"""
import json
import os
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SS = 4  # supersampling factor per axis


def use_vocab(path: str) -> None:
    """Makes the vocabulary at `path` the module's (VOCAB, SIZE, SHAPES, ... are read at call time)."""
    global VOCAB_PATH, VOCAB, VERSION, SIZE, SHAPES, COLOURS, BACKGROUNDS, POSITIONS
    VOCAB_PATH = path
    VOCAB = json.load(open(path))
    VERSION = VOCAB.get("version", 1)
    SIZE = VOCAB["imageSize"]
    SHAPES = VOCAB["shapes"]
    COLOURS = list(VOCAB["colours"])
    BACKGROUNDS = list(VOCAB["backgrounds"])
    POSITIONS = list(VOCAB["positions"])


VOCAB_PATH: str
VOCAB: dict
VERSION: int
SIZE: int
SHAPES: List[str]
COLOURS: List[str]
BACKGROUNDS: List[str]
POSITIONS: List[str]
use_vocab(os.path.join(HERE, "vocab.json"))  # v1 unless a script selects another version


@dataclass
class SceneObject:
    shape: str
    colour: str
    cx: float  # centre, pixels
    cy: float
    size: float  # bbox side, pixels
    size_word: str = ""  # v2: "" | small | large (the caption's word; "" = any size)
    pattern: str = ""  # v2: "" | striped


@dataclass
class Scene:
    background: str
    objects: List[SceneObject]
    caption: str
    kind: str  # single | singleAt | pair
    position: Optional[str] = None
    relation: Optional[str] = None  # v2 pairs: objects[0] {relation} objects[1]


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
        img = img * (1 - m) + m * object_fill(obj, n)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def object_fill(obj: SceneObject, n: int = SIZE) -> np.ndarray:
    """The object's colour, [3] (plain) or [n, 1, 3] (striped: every row's colour, anti-aliased)."""
    rgb = np.array(VOCAB["colours"][obj.colour], np.float32)
    if not obj.pattern:
        return rgb
    p = VOCAB["patterns"][obj.pattern]  # horizontal stripes anchored to the image grid
    y = np.arange(n * SS, dtype=np.float32) / SS
    dark = ((y % p["period"]) < p["dark"]).reshape(n, SS).mean(axis=1)  # [n] coverage of the dark stripe
    shade = 1 - dark * (1 - p["shade"])
    return (rgb[None, :] * shade[:, None])[:, None, :]


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
    if VERSION >= 2:
        return random_scene_v2(rng)
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


# ---- v2: sizes, stripes, two objects in a relation ----

def fix_articles(caption: str) -> str:
    """v2: 'a' → 'an' before a vowel ('an orange circle')."""
    return re.sub(r"\ba (?=[aeiou])", "an ", caption)


def object_phrase(obj: SceneObject) -> str:
    """v2: 'a {size} {pattern} {colour} {shape}' with empty slots dropped (article not yet fixed)."""
    words = {"size": obj.size_word, "pattern": obj.pattern, "colour": obj.colour, "shape": obj.shape}
    return " ".join(VOCAB["objectPhrase"].format(**words).split())


def caption_v2(kind: str, bg: str, objs: List[SceneObject], position: Optional[str] = None,
               relation: Optional[str] = None) -> str:
    t = VOCAB["sceneTemplates"][kind]
    if kind == "pair":
        text = t.format(object1=object_phrase(objs[0]), relation=relation, object2=object_phrase(objs[1]), background=bg)
    else:
        text = t.format(object=object_phrase(objs[0]), position=position, background=bg)
    return fix_articles(" ".join(text.split()))


def _v2_object(rng: np.random.Generator, sizes: dict) -> SceneObject:
    """Shape, colour, size word + size and pattern of one v2 object (placed by the caller)."""
    shape, colour = SHAPES[rng.integers(len(SHAPES))], COLOURS[rng.integers(len(COLOURS))]
    size_word = ("small", "large")[rng.integers(2)] if rng.random() < VOCAB["sizeWordProbability"] else ""
    lo, hi = sizes[size_word]
    size = float(rng.uniform(lo, hi))
    pattern = list(VOCAB["patterns"])[0] if rng.random() < VOCAB["patternProbability"] else ""
    return SceneObject(shape, colour, 0.0, 0.0, size, size_word, pattern)


def random_scene_v2(rng: np.random.Generator) -> Scene:
    """One v2 scene: single (centred ± positionJitter), singleAt (a named position) or a pair in a relation
    (anchored at the relation's two positions, ± pairJitter along / across the relation's axis; pair sizes
    are capped so the two never overlap)."""
    mix = VOCAB["captionMix"]
    kind = str(rng.choice(list(mix), p=np.array(list(mix.values())) / sum(mix.values())))
    bg = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    if kind == "pair":
        relation = list(VOCAB["relations"])[rng.integers(len(VOCAB["relations"]))]
        places = VOCAB["relations"][relation]
        horizontal = VOCAB["positions"][places["first"]][1] == VOCAB["positions"][places["second"]][1]
        along, across = VOCAB["pairJitter"]["along"], VOCAB["pairJitter"]["across"]
        shift_across = rng.uniform(-across, across)  # both objects move together across the axis
        objs = []
        for which in ("first", "second"):
            obj = _v2_object(rng, VOCAB["sizes"]["pair"])
            ax, ay = VOCAB["positions"][places[which]]
            d_along = rng.uniform(-along, along)
            ax, ay = (ax + d_along, ay + shift_across) if horizontal else (ax + shift_across, ay + d_along)
            obj.cx, obj.cy = _place(rng, (ax, ay), obj.size, 0)
            objs.append(obj)
        return Scene(bg, objs, caption_v2(kind, bg, objs, relation=relation), kind, relation=relation)
    obj = _v2_object(rng, VOCAB["sizes"]["single"])
    position = POSITIONS[rng.integers(len(POSITIONS))] if kind == "singleAt" else None
    obj.cx, obj.cy = _place(rng, VOCAB["positions"][position or "center"], obj.size, VOCAB["positionJitter"])
    return Scene(bg, [obj], caption_v2(kind, bg, [obj], position), kind, position)


def single_prompts() -> List[Tuple[str, str, str, str]]:
    """(caption, colour, shape, background) for every single-object prompt without position."""
    out = []
    for bg in BACKGROUNDS:
        for colour in COLOURS:
            for shape in SHAPES:
                obj = SceneObject(shape, colour, 64, 64, 54)
                caption = caption_v2("single", bg, [obj]) if VERSION >= 2 else caption_of("single", bg, [obj])
                out.append((caption, colour, shape, bg))
    return out


def scene_words() -> List[str]:
    """Every word a caption can contain, in a fixed order (the tokenizer's merge order)."""
    if VERSION >= 2:
        return scene_words_v2()
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


def scene_words_v2() -> List[str]:
    """v2's words: the templates' fixed words, then objects' words, relations, positions, 'an'."""
    words: List[str] = []
    fixed = " ".join(list(VOCAB["sceneTemplates"].values()) + [VOCAB["objectPhrase"]])
    for w in re.sub(r"\{\w+\}", " ", fixed).split():
        if w not in words:
            words.append(w)
    sizes = [w for w in VOCAB["sizes"]["single"] if w]
    relation_words = [w for r in VOCAB["relations"] for w in r.split()]
    for w in SHAPES + COLOURS + BACKGROUNDS + POSITIONS + sizes + list(VOCAB["patterns"]) + relation_words + ["an"]:
        if w not in words:
            words.append(w)
    return words
