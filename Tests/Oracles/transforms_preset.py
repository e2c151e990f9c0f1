"""Oracle: torchvision 0.14.1 `ImageClassification` applied to a Pillow image.

Usage: transforms_preset.py OUT_DIR < cases.json
cases.json: [{"name": str, "source": str, "preset": null | {"resize": int, "crop": int,
              "mean": [3 floats], "std": [3 floats], "interpolation": "bilinear" | "bicubic"},
              "pipeline": "preset" | "compose"}, ...]
A null preset means `ResNet152_Weights.IMAGENET1K_V1.transforms()` itself; "interpolation" may be
left out (bilinear). "pipeline": "compose" (default "preset") runs the classic
`Compose([Resize(resize, interpolation), CenterCrop(crop), ToTensor(), Normalize(mean, std)])` instead
of `ImageClassification`, so both ways torchvision users write it are checked.
Writes OUT_DIR/<name>.in.rgb (source pixels) and OUT_DIR/<name>.out.f32 (the (3, crop, crop) float32
tensor, little-endian), and prints [{"name", "source_width", "source_height"}, ...] as JSON on stdout.
"""
import json
import os
import sys

import numpy as np
from torchvision import transforms
from torchvision.models import ResNet152_Weights
from torchvision.transforms import InterpolationMode
from torchvision.transforms._presets import ImageClassification

from transforms_images import source_image, write_rgb


def build(preset, pipeline):
    interpolation = InterpolationMode(preset.get("interpolation", "bilinear"))
    if pipeline == "compose":
        return transforms.Compose([
            transforms.Resize(preset["resize"], interpolation=interpolation),
            transforms.CenterCrop(preset["crop"]),
            transforms.ToTensor(),
            transforms.Normalize(mean=preset["mean"], std=preset["std"]),
        ])
    return ImageClassification(
        crop_size=preset["crop"], resize_size=preset["resize"],
        mean=tuple(preset["mean"]), std=tuple(preset["std"]), interpolation=interpolation)


def transform_for(preset, pipeline, cache):
    if preset is None:
        return ResNet152_Weights.IMAGENET1K_V1.transforms()
    key = json.dumps([preset, pipeline], sort_keys=True)
    if key not in cache:
        cache[key] = build(preset, pipeline)
    return cache[key]


def main():
    out_dir = sys.argv[1]
    cases = json.load(sys.stdin)
    cache = {}
    sizes = []
    for case in cases:
        image = source_image(case["source"])
        write_rgb(image, os.path.join(out_dir, case["name"] + ".in.rgb"))
        tensor = transform_for(case["preset"], case.get("pipeline", "preset"), cache)(image)
        with open(os.path.join(out_dir, case["name"] + ".out.f32"), "wb") as f:
            f.write(tensor.numpy().astype("<f4").tobytes())
        sizes.append({"name": case["name"], "source_width": image.width, "source_height": image.height})
    json.dump(sizes, sys.stdout)


if __name__ == "__main__":
    main()
