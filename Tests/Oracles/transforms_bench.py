"""Peer timing: Pillow resize + torchvision crop/to-tensor/normalize on one core.

Usage: transforms_bench.py < [[width, height, iterations], ...]
Prints [{"width", "height", "resize_ms", "rest_ms"}, ...]: milliseconds per image, best of 3 rounds.
"""
import json
import sys
import time

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.models import ResNet152_Weights

from transforms_images import source_image


def best_ms(fn, iterations):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter() - start) / iterations * 1e3)
    return best


def main():
    torch.set_num_threads(1)
    preset = ResNet152_Weights.IMAGENET1K_V1.transforms()
    results = []
    for width, height, iterations in json.load(sys.stdin):
        image = source_image(f"random:{width}:{height}:1")
        resized = F.resize(image, preset.resize_size, interpolation=preset.interpolation)

        def rest():
            t = F.pil_to_tensor(F.center_crop(resized, preset.crop_size))
            return F.normalize(F.convert_image_dtype(t, torch.float), mean=preset.mean, std=preset.std)

        results.append({
            "width": width, "height": height,
            "resize_ms": best_ms(lambda: F.resize(image, preset.resize_size, interpolation=preset.interpolation), iterations),
            "rest_ms": best_ms(rest, iterations),
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
