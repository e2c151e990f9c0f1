"""PyTorch oracle for ReferenceBackend: runs one torch.nn.functional op on raw float32 files.

Usage: engine_ops.py DIR [DIR ...]   (one torch start-up for many cases)
DIR/spec.json: {"op": name, "inputs": {name: shape, ...}, "params": {...}}
Each input is DIR/<name>.bin (little-endian float32, row-major); writes DIR/out.bin, prints its shape.
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F


def load(folder, name, shape):
    return torch.from_numpy(np.fromfile(f"{folder}/{name}.bin", dtype="<f4").reshape(shape))


def run(folder):
    spec = json.load(open(f"{folder}/spec.json"))
    t = {name: load(folder, name, shape) for name, shape in spec["inputs"].items()}
    p = spec["params"]
    op = spec["op"]
    if op == "conv2d":
        # Asymmetric (TensorFlow "same") padding is an explicit zero pad first: (left, right, top, bottom).
        x = F.pad(t["x"], (p["left"], p["right"], p["top"], p["bottom"]))
        y = F.conv2d(x, t["w"], t.get("b"), stride=p["stride"], dilation=p["dilation"], groups=p["groups"])
    elif op == "max_pool2d":
        y = F.max_pool2d(t["x"], p["kernel"], p["stride"], p["padding"], ceil_mode=p.get("ceil_mode", False))
    elif op == "avg_pool2d":
        y = F.avg_pool2d(
            t["x"], p["kernel"], p["stride"], p["padding"], ceil_mode=p.get("ceil_mode", False),
            count_include_pad=p["count_include_pad"])
    elif op == "cat":
        # The graph has one input, so the operands are x and a 3x3/1 max pool of it, in the order `parts` gives.
        pooled = F.max_pool2d(t["x"], 3, 1, 1)
        y = torch.cat([t["x"] if part == "x" else pooled for part in p["parts"]], 1)
    elif op == "adaptive_avg_pool2d":
        y = F.adaptive_avg_pool2d(t["x"], (p["height"], p["width"]))
    elif op == "batch_norm":
        y = F.batch_norm(t["x"], t["mean"], t["var"], t["weight"], t["bias"], training=False, eps=p["eps"])
    elif op == "linear":
        y = F.linear(t["x"], t["w"], t["b"])
    elif op == "layer_norm":
        # over the last axis of x viewed as p["view"] (the batch first), or over channels (ConvNeXt's LayerNorm2d)
        if p.get("channels"):
            y = F.layer_norm(t["x"].permute(0, 2, 3, 1), t["weight"].shape, t["weight"], t["bias"], p["eps"]).permute(0, 3, 1, 2)
        else:
            y = F.layer_norm(t["x"].reshape(p["view"]), t["weight"].shape, t["weight"], t["bias"], p["eps"])
    elif op == "attention":
        # softmax(a @ a^T * scale) @ a over heads, a = x viewed as (N, heads, T, d)
        a = t["x"].reshape(p["view"])
        y = torch.softmax(a @ a.transpose(-2, -1) * p["scale"], dim=-1) @ a
    elif op == "normalize":
        y = F.normalize(t["x"].reshape(p["view"]), dim=-1)
    elif op == "permute":
        y = t["x"].reshape(p["view"]).permute(p["order"])
    elif op == "narrow":
        y = t["x"].reshape(p["view"]).narrow(p["dim"], p["start"], p["length"])
    elif op == "tokens":
        # ViT's input: a class token before the patches, then the position embedding added
        x = t["x"].reshape(p["view"])
        y = torch.cat([t["token"].expand(x.shape[0], -1, -1), x], dim=1) + t["pos"]
    elif op == "linear_tokens":
        y = F.linear(t["x"].reshape(p["view"]), t["w"], t["b"])
    elif op == "broadcast":
        y = t["x"] * t["scale"] + t["shift"]
    elif op in ("relu", "relu6", "sigmoid", "silu", "hardswish", "hardsigmoid", "gelu", "tanh"):
        y = getattr(F, op)(t["x"]) if op not in ("sigmoid", "tanh") else getattr(torch, op)(t["x"])
    else:
        raise SystemExit(f"unknown op {op}")
    y.contiguous().numpy().astype("<f4").tofile(f"{folder}/out.bin")
    print(list(y.shape))


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        run(folder)
