#!/usr/bin/python3
"""Exports a toy-model training run to the diffusers-ONNX folder layout (public/models/toy/).

Writes text_encoder/, unet/, vae_decoder/, vae_encoder/ (model.onnx + config.json), tokenizer/,
scheduler/, model_index.json and slothful_toy.json (= vocab.json, read by the app's prompt helper).
torch's own exporter, opset 17, nothing renamed; dynamic batch / height / width.
Run: /usr/bin/python3 scripts/toy-model/export.py --run /tmp/toy-run --out public/models/toy
     (--version 2 --run /work/toy-v2-run --checkpoint unet_text_<step>.pt for toy model v2)
"""
import argparse
import json
import os
import shutil

import onnx
import torch

import evaluate as E
import models as M
import scenes as S
import versions
from toy_tokenizer import BOS, EOS, MAX_LENGTH, ToyTokenizer

OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
TAG = {"generator": "scripts/toy-model (trained)", "dtype": "float32"}


def write_json(path: str, obj) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def export(model, args, path, inputs, outputs, dynamic) -> int:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(model, args, path, opset_version=OPSET, input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return len(m.graph.node)


def write_tokenizer(out: str, tok: ToyTokenizer) -> None:
    d = os.path.join(out, "tokenizer")
    write_json(os.path.join(d, "vocab.json"), tok.vocab)
    with open(os.path.join(d, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in tok.merges))
    write_json(os.path.join(d, "tokenizer.json"), tok.tokenizer_json())
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "add_prefix_space": False, "bos_token": BOS, "clean_up_tokenization_spaces": True, "do_lower_case": True,
        "eos_token": EOS, "errors": "replace", "model_max_length": MAX_LENGTH, "pad_token": EOS,
        "tokenizer_class": "CLIPTokenizer", "unk_token": EOS})
    write_json(os.path.join(d, "special_tokens_map.json"),
               {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS})


def write_configs(out: str, tok: ToyTokenizer, scaling: float, step: int) -> None:
    cfg = M.UNET_CONFIG
    component = ["diffusers", "OnnxRuntimeModel"]
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.24.0",
        "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": component,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": component, "vae_decoder": component,
        "vae_encoder": component, "_toy": {**TAG, "unet_steps": step}})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.24.0", "beta_start": 0.00085, "beta_end": 0.012,
        "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "steps_offset": 1, "trained_betas": None,
        "prediction_type": "epsilon", "clip_sample": False, "set_alpha_to_one": False, "skip_prk_steps": True})
    write_json(os.path.join(out, "text_encoder", "config.json"), {
        "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "vocab_size": len(tok.vocab),
        "hidden_size": M.TEXT_WIDTH, "num_hidden_layers": M.TEXT_LAYERS, "num_attention_heads": 4,
        "intermediate_size": M.TEXT_WIDTH * 4, "max_position_embeddings": MAX_LENGTH, "hidden_act": "quick_gelu",
        "bos_token_id": tok.bos, "eos_token_id": tok.eos, "_toy": TAG})
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "sample_size": S.VOCAB["latentSize"], "in_channels": 4,
        "out_channels": 4, "block_out_channels": list(cfg.block_out_channels),
        "layers_per_block": cfg.layers_per_block,
        "down_block_types": list(cfg.down_types()), "up_block_types": list(cfg.up_types()),
        "attention_head_dim": list(cfg.attention_heads), "cross_attention_dim": cfg.cross_attention_dim,
        "use_linear_projection": False, "norm_num_groups": cfg.norm_num_groups, "norm_eps": cfg.norm_eps,
        "flip_sin_to_cos": True, "freq_shift": 0,
        "_toy": {**TAG, "note": "attention_head_dim lists head COUNTS per down block (legacy meaning)"}})
    vae = {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
           "block_out_channels": list(M.ENC_CH), "scaling_factor": round(scaling, 6), "sample_size": S.SIZE,
           "_toy": {**TAG, "note": "a plain conv autoencoder (models.py), not diffusers' AutoencoderKL"}}
    write_json(os.path.join(out, "vae_decoder", "config.json"), vae)
    write_json(os.path.join(out, "vae_encoder", "config.json"), vae)


def main() -> None:
    p = argparse.ArgumentParser()
    versions.add_argument(p)
    p.add_argument("--run", default="/tmp/toy-run")
    p.add_argument("--checkpoint", default="unet_text.pt", help="U-Net + text encoder weights in --run (e.g. unet_text_4800.pt)")
    p.add_argument("--out", default=os.path.join(HERE, "..", "..", "public", "models", "toy"))
    args = p.parse_args()
    versions.select(args.version)
    if args.version >= 2:
        TAG["toyVersion"] = args.version  # (v1's files stay byte-identical on re-export)
    torch.set_num_threads(1)
    tok = ToyTokenizer(S.scene_words())
    dec, unet, text, scaling, step = E.load_run(args.run, tok, args.checkpoint)
    enc = M.Encoder()
    enc.load_state_dict(torch.load(os.path.join(args.run, "ae.pt"))["encoder"])
    enc.eval()
    out = os.path.abspath(args.out)
    M.Attention.scores_by_bmm = False  # export diffusers' baddbmm pattern
    bhw = {0: "batch", 2: "height", 3: "width"}
    ids = torch.tensor([tok.encode("a red circle on a white background")] * 2, dtype=torch.int64)
    nodes = {
        "text_encoder": export(text, (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
                               ["last_hidden_state"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}}),
        "unet": export(unet, (torch.randn(2, 4, 16, 16), torch.tensor([999.0, 999.0]), torch.randn(2, 77, M.TEXT_WIDTH)),
                       os.path.join(out, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"],
                       ["out_sample"], {"sample": bhw, "timestep": {0: "batch"},
                                        "encoder_hidden_states": {0: "batch"}, "out_sample": bhw}),
        "vae_decoder": export(dec, (torch.randn(1, 4, 16, 16),), os.path.join(out, "vae_decoder", "model.onnx"),
                              ["latent_sample"], ["sample"], {"latent_sample": bhw, "sample": bhw}),
        "vae_encoder": export(enc, (torch.randn(1, 3, 128, 128),), os.path.join(out, "vae_encoder", "model.onnx"),
                              ["sample"], ["latent_sample"], {"sample": bhw, "latent_sample": bhw}),
    }
    write_tokenizer(out, tok)
    write_configs(out, tok, scaling, step)
    shutil.copyfile(S.VOCAB_PATH, os.path.join(out, "slothful_toy.json"))
    for name, count in nodes.items():
        size = os.path.getsize(os.path.join(out, name, "model.onnx"))
        print(f"{name}/model.onnx: {count} nodes, {size} bytes")


if __name__ == "__main__":
    main()
