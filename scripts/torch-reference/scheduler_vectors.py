#!/usr/bin/env python3
"""Reference schedules and denoising trajectories from diffusers' own scheduler classes.

Writes src/pipeline/__vectors__/schedulers.json for src/pipeline/schedulers/*.test.ts. Needs
torch + numpy (Debian: python3-torch python3-numpy) and a diffusers source checkout; only the five
scheduler modules are loaded, under a minimal stand-in for the rest of the package, so neither
huggingface_hub nor the other diffusers dependencies are needed:

    DIFFUSERS_SRC=/path/to/diffusers/src [DIFFUSERS_REV=<commit>] /usr/bin/python3 scripts/torch-reference/scheduler_vectors.py

Every scheduler is built from SD 1.5's scheduler_config.json as a pipeline's from_config does.
Trajectories run the diffusers denoising loop with a toy model (below, mirrored by the test) and
one torch.Generator for the initial latents and every step's noise, as a pipeline does.
"""
import dataclasses
import enum
import functools
import importlib.util
import inspect
import json
import logging
import math
import os
import pathlib
import subprocess
import sys
import types

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "src/pipeline/__vectors__/schedulers.json"

SD15_CONFIG = {
    "_class_name": "PNDMScheduler",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
}

MODULES = {
    "euler": ("scheduling_euler_discrete", "EulerDiscreteScheduler", {}),
    "euler-ancestral": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler", {}),
    "ddim": ("scheduling_ddim", "DDIMScheduler", {}),
    "dpmpp-2m-karras": (
        "scheduling_dpmsolver_multistep",
        "DPMSolverMultistepScheduler",
        {"use_karras_sigmas": True, "algorithm_type": "dpmsolver++", "solver_order": 2},
    ),
    "lcm": ("scheduling_lcm", "LCMScheduler", {}),
}


# ---- a minimal stand-in for the diffusers package around the scheduler modules ----------------


class _Config(types.SimpleNamespace):
    def __getitem__(self, key):
        return getattr(self, key)


class ConfigMixin:
    config_name = "scheduler_config.json"

    def register_to_config(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self.config, k, v)

    @classmethod
    def from_config(cls, config: dict, **overrides):
        params = inspect.signature(cls.__init__).parameters
        kwargs = {k: v for k, v in {**config, **overrides}.items() if k in params}
        return cls(**kwargs)


def register_to_config(init):
    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        bound = inspect.signature(init).bind(self, *args, **kwargs)
        bound.apply_defaults()
        self.config = _Config(**{k: v for k, v in bound.arguments.items() if k != "self"})
        init(self, *args, **kwargs)

    return wrapped


class BaseOutput:
    pass


@dataclasses.dataclass
class SchedulerOutput(BaseOutput):
    prev_sample: torch.Tensor


class SchedulerMixin:
    pass


KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", ["EulerDiscreteScheduler"])


def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
    return torch.randn(shape, generator=generator, device="cpu", dtype=dtype)


def install_diffusers_stand_in(src: pathlib.Path) -> None:
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        m.__path__ = []  # a package, so submodules resolve
        sys.modules[name] = m
        return m

    module("diffusers")
    module("diffusers.configuration_utils", ConfigMixin=ConfigMixin, register_to_config=register_to_config)
    module(
        "diffusers.utils",
        BaseOutput=BaseOutput,
        is_scipy_available=lambda: False,
        logging=types.SimpleNamespace(get_logger=logging.getLogger),
        deprecate=lambda *a, **k: None,
    )
    module("diffusers.utils.torch_utils", randn_tensor=randn_tensor)
    module("diffusers.schedulers")
    module(
        "diffusers.schedulers.scheduling_utils",
        KarrasDiffusionSchedulers=KarrasDiffusionSchedulers,
        SchedulerMixin=SchedulerMixin,
        SchedulerOutput=SchedulerOutput,
    )
    for file_name, _, _ in MODULES.values():
        name = f"diffusers.schedulers.{file_name}"
        spec = importlib.util.spec_from_file_location(name, src / "diffusers/schedulers" / f"{file_name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)


def make(name: str, **overrides):
    file_name, cls_name, extra = MODULES[name]
    cls = getattr(sys.modules[f"diffusers.schedulers.{file_name}"], cls_name)
    return cls.from_config(SD15_CONFIG, **extra, **overrides)


# ---- schedules ---------------------------------------------------------------------------------


def floats(t: torch.Tensor) -> list[float]:
    return [float(v) for v in t.flatten().tolist()]


def schedule_record(name: str, steps: int, spacing: str | None, strength: float = 1.0) -> dict:
    overrides = {"timestep_spacing": spacing} if spacing else {}
    s = make(name, **overrides)
    if name == "lcm":
        s.set_timesteps(steps, strength=strength)
    else:
        s.set_timesteps(steps)
    rec = {"scheduler": name, "steps": steps, "spacing": spacing, "timesteps": floats(s.timesteps)}
    if strength != 1.0:
        rec["strength"] = strength
    if hasattr(s, "sigmas") and name in ("euler", "euler-ancestral", "dpmpp-2m-karras"):
        rec["sigmas"] = floats(s.sigmas)
    rec["initNoiseSigma"] = float(s.init_noise_sigma)
    return rec


def schedules() -> list[dict]:
    out = []
    for name in ("euler", "euler-ancestral"):
        for spacing in ("linspace", "leading", "trailing"):
            for steps in (1, 4, 7, 20, 25, 50):
                out.append(schedule_record(name, steps, spacing))
    for spacing in ("leading", "trailing", "linspace"):
        for steps in (1, 4, 7, 20, 50):
            out.append(schedule_record("ddim", steps, spacing))
    for steps in range(1, 61):
        out.append(schedule_record("dpmpp-2m-karras", steps, None))
    for steps in (1, 2, 4, 8):
        out.append(schedule_record("lcm", steps, None))
    out.append(schedule_record("lcm", 4, None, strength=0.5))
    return out


# ---- trajectories ------------------------------------------------------------------------------

SHAPE = (1, 4, 8, 8)


def toy_model(x: torch.Tensor, t: float, prediction: str) -> torch.Tensor:
    """Mirrored in the test: m_i = 0.9·x_i + 0.05·sin(0.01·t + 0.1·i) (+ 0.3·x_i for v)."""
    i = torch.arange(x.numel(), dtype=torch.float64).reshape(x.shape)
    m = 0.9 * x.double() + 0.05 * torch.sin(0.01 * float(t) + 0.1 * i)
    if prediction == "v_prediction":
        m = m - 0.3 * x.double()
    return m.to(torch.float32)


def toy_x0() -> torch.Tensor:
    i = torch.arange(math.prod(SHAPE), dtype=torch.float64)
    return torch.cos(0.37 * i).reshape(SHAPE).to(torch.float32)


def trajectory(name: str, steps: int, prediction: str, strength: float, seed: int) -> dict:
    s = make(name, prediction_type=prediction)
    gen = torch.Generator("cpu").manual_seed(seed)
    if name == "lcm":
        s.set_timesteps(steps, strength=strength)
        timesteps = s.timesteps
    else:
        s.set_timesteps(steps)
        init = min(int(steps * strength), steps)
        begin = max(steps - init, 0)
        timesteps = s.timesteps[begin * s.order :]
        if hasattr(s, "set_begin_index"):
            s.set_begin_index(begin * s.order)
    if strength < 1.0:
        noise = randn_tensor(SHAPE, generator=gen, dtype=torch.float32)
        x = s.add_noise(toy_x0(), noise, timesteps[:1])
    else:
        x = randn_tensor(SHAPE, generator=gen, dtype=torch.float32) * s.init_noise_sigma
    first = None
    for t in timesteps:
        model_input = s.scale_model_input(x, t)
        m = toy_model(model_input, float(t), prediction)
        x = s.step(m, t, x, generator=gen).prev_sample
        if first is None:
            first = x
    return {
        "scheduler": name,
        "steps": steps,
        "prediction": prediction,
        "strength": strength,
        "seed": seed,
        "timesteps": floats(timesteps),
        "afterFirstStep": floats(first),
        "final": floats(x),
    }


def trajectories() -> list[dict]:
    out = []
    for name, steps in (("euler", 20), ("euler-ancestral", 20), ("ddim", 20), ("dpmpp-2m-karras", 20), ("lcm", 4)):
        for prediction in ("epsilon", "v_prediction"):
            out.append(trajectory(name, steps, prediction, 1.0, seed=7))
        out.append(trajectory(name, steps, "epsilon", 0.5 if name == "lcm" else 0.6, seed=8))
    out.append(trajectory("dpmpp-2m-karras", 8, "epsilon", 1.0, seed=9))
    return out


def main() -> None:
    src = pathlib.Path(os.environ.get("DIFFUSERS_SRC", ""))
    if not (src / "diffusers/schedulers/scheduling_lcm.py").is_file():
        raise SystemExit("Set DIFFUSERS_SRC to the src/ folder of a diffusers checkout.")
    install_diffusers_stand_in(src)
    rev = os.environ.get("DIFFUSERS_REV", "")
    if not rev:
        git = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True)
        rev = git.stdout.strip()
    doc = {
        "source": f"diffusers schedulers {rev or '(unknown revision)'}, torch {torch.__version__}",
        "config": SD15_CONFIG,
        "schedules": schedules(),
        "trajectories": trajectories(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}: {len(doc['schedules'])} schedules, {len(doc['trajectories'])} trajectories")


if __name__ == "__main__":
    main()
