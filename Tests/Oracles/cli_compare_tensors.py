"""Compares `batchvision preprocess` outputs with torchvision's ImageClassification preset on Pillow images.

Usage: cli_compare_tensors.py --tensors DIR [--resize R --crop C --mean r,g,b --std r,g,b] [--hwc] IMAGE...
Prints JSON: {"compared": n, "max_abs_diff": d, "missing": [...]}.
"""
import argparse
import json
import os

import numpy as np
from PIL import Image
from torchvision.transforms._presets import ImageClassification

ap = argparse.ArgumentParser()
ap.add_argument("--tensors", required=True)
ap.add_argument("--resize", type=int, default=256)
ap.add_argument("--crop", type=int, default=224)
ap.add_argument("--mean", default="0.485,0.456,0.406")
ap.add_argument("--std", default="0.229,0.224,0.225")
ap.add_argument("--hwc", action="store_true")
ap.add_argument("images", nargs="+")
a = ap.parse_args()

tf = ImageClassification(crop_size=a.crop, resize_size=a.resize,
                         mean=[float(v) for v in a.mean.split(",")], std=[float(v) for v in a.std.split(",")])
worst, compared, missing = 0.0, 0, []
for path in a.images:
    expected = tf(Image.open(path).convert("RGB")).numpy()
    if a.hwc:
        expected = expected.transpose(1, 2, 0)
    out = os.path.join(a.tensors, os.path.basename(path) + ".f32")
    if not os.path.exists(out):
        missing.append(path)
        continue
    ours = np.fromfile(out, "<f4")
    if ours.size != expected.size:
        missing.append(path)
        continue
    worst = max(worst, float(np.abs(ours.reshape(expected.shape) - expected).max()))
    compared += 1
print(json.dumps({"compared": compared, "max_abs_diff": worst if not missing else 1.0, "missing": missing}))
