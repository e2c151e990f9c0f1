"""Pillow + torchvision decode and preprocess per image on one core: the peer of our PreprocessBench.

Usage: bench_preprocess_peer.py PASSES FILE...
Prints one JSON object: images/s at the median pass, ms per image for decode and transforms.
Same steps as shared/bench/peers/bench_preprocess.py: Image.open + convert("RGB"), then
ResNet152_Weights.IMAGENET1K_V1.transforms(), torch pinned to one thread and the process to CPU 0.
"""
import json
import os
import statistics
import sys
import time

os.sched_setaffinity(0, {0})
import torch
from PIL import Image
from torchvision.models import ResNet152_Weights

torch.set_num_threads(1)
passes = int(sys.argv[1])
paths = sys.argv[2:]
tf = ResNet152_Weights.IMAGENET1K_V1.transforms()


def one_pass():
    decode = transforms = 0.0
    for p in paths:
        t0 = time.perf_counter()
        im = Image.open(p).convert("RGB")
        t1 = time.perf_counter()
        tf(im)
        t2 = time.perf_counter()
        decode += t1 - t0
        transforms += t2 - t1
    return decode, transforms


one_pass()  # warm-up
runs = sorted((one_pass() for _ in range(passes)), key=sum)
d, t = runs[len(runs) // 2]
n = len(paths)
print(json.dumps({"images": n, "passes": passes, "images_per_s": n / (d + t),
                  "ms_decode": 1000 * d / n, "ms_preprocess": 1000 * t / n}))
