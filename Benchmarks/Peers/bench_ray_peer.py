"""scripts/bench-ray's Python side: the same Ray pipeline with the tutorial's PyTorch model and with ours.

The PyTorch side is Benchmarks/Peers/bench_ray_pipeline.py's preprocess + ResnetModel (the tutorial's), run under
the same ray.init and settings as ours: num_cpus=2, one actor, batch 32, 2 threads.
Usage: python bench_ray_peer.py IMAGE_DIR [RUNS]
"""
import shutil
import sys
import tempfile
import time

import numpy as np
import pyarrow.parquet as pq
import ray

from batchvision import BatchVisionPredictor
from bench_ray_pipeline import ResnetModel, preprocess  # the tutorial's side, shared with bench-pipeline

BATCH, THREADS = 32, 2


def torch_pipeline(folder):
    ds = ray.data.read_images(folder, mode="RGB", include_paths=True).map(preprocess)
    return ds.map_batches(ResnetModel, concurrency=1, batch_size=BATCH)


def ours(folder, decode):
    if decode == "swift":
        ds = ray.data.read_binary_files(folder, include_paths=True)
    else:
        ds = ray.data.read_images(folder, mode="RGB", include_paths=True)
    kwargs = dict(model="resnet152", random_weights=True, threads=THREADS, batch_size=BATCH)
    return ds.map_batches(BatchVisionPredictor, fn_constructor_kwargs=kwargs, concurrency=1, batch_size=BATCH)


def timed(build):
    out = tempfile.mkdtemp(prefix="bench-ray-")
    try:
        t0 = time.perf_counter()
        build().write_parquet(out)
        seconds = time.perf_counter() - t0
        return pq.read_table(out).num_rows, seconds
    finally:
        shutil.rmtree(out)


def main():
    folder, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    ray.data.DataContext.get_current().enable_progress_bars = False
    pipelines = {
        "pytorch (tutorial ResnetModel)": lambda: torch_pipeline(folder),
        "batchvision, read_images": lambda: ours(folder, "ray"),
        "batchvision, read_binary_files": lambda: ours(folder, "swift"),
    }
    best = {}
    for run in range(runs):
        for name, build in pipelines.items():
            rows, seconds = timed(build)
            print(f"run {run + 1}  {name:32s} {rows} rows  {seconds:7.1f} s  {rows / seconds:6.2f} images/s", flush=True)
            best[name] = max(best.get(name, 0), rows / seconds)
    base = best["pytorch (tutorial ResnetModel)"]
    print(f"\nResNet-152 fp32 random weights, ray {ray.__version__}, num_cpus=2, 1 actor, batch {BATCH}, {THREADS} threads")
    for name, ips in best.items():
        print(f"{name:32s} {ips:6.2f} images/s   {ips / base:4.2f}x pytorch")
    ray.shutdown()


if __name__ == "__main__":
    main()
