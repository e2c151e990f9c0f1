"""The Ray Data tutorial's pipeline, CPU only, ResNet-152 with random weights: the peer of `batchvision classify`.

  ray.data.read_images(dir, mode="RGB", include_paths=True)
    .map(preprocess)                        # ToTensor() + ResNet152_Weights.IMAGENET1K_V1.transforms()
    .map_batches(ResnetModel, concurrency=1, batch_size=32)   # torch.set_num_threads(2), inference_mode
    .write_parquet(tmpdir)                  # path, class index, label

Usage: bench_ray_pipeline.py IMAGE_DIR RUNS [PRECISION]   (Benchmarks/Peers/bench_ray_peer.py imports preprocess and
ResnetModel)
PRECISION fp32 (default) runs the tutorial as written; bf16 runs the same model channels_last under
torch.autocast("cpu", bfloat16), as PyTorch's CPU performance guide recommends for bf16 inference.
Prints one JSON line per run: wall seconds (ray.init excluded, worker start-up included) and images/s.
Adapted from shared/bench/peers/ray_pipeline.py.
"""
import glob
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import ray



def preprocess(row):
    import torchvision.transforms as T
    from torchvision.models import ResNet152_Weights

    # No torch.set_num_threads here: Ray fuses this map into the model actor, where it would change the model's threads.
    tf = ResNet152_Weights.IMAGENET1K_V1.transforms()
    return {"path": row["path"], "transformed_image": tf(T.ToTensor()(row["image"])).numpy()}


class ResnetModel:
    def __init__(self, precision="fp32"):
        import torch
        import torchvision
        from torchvision.models import ResNet152_Weights

        torch.set_num_threads(2)
        self.torch = torch
        self.categories = ResNet152_Weights.IMAGENET1K_V1.meta["categories"]
        self.model = torchvision.models.resnet152(weights=None).eval()
        self.bf16 = precision == "bf16"
        if self.bf16:
            self.model = self.model.to(memory_format=torch.channels_last)

    def __call__(self, batch):
        x = self.torch.from_numpy(np.ascontiguousarray(batch["transformed_image"]))
        if self.bf16:
            x = x.contiguous(memory_format=self.torch.channels_last)
        with self.torch.inference_mode(), self.torch.autocast("cpu", dtype=self.torch.bfloat16, enabled=self.bf16):
            idx = self.model(x).float().argmax(dim=1).numpy()
        return {"path": batch["path"], "class_index": idx, "predicted_label": np.array([self.categories[i] for i in idx])}


def main(imgdir, runs, precision="fp32"):
    n_images = len([p for p in glob.glob(os.path.join(imgdir, "*")) if p.lower().endswith((".jpg", ".jpeg", ".png"))])
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    ray.data.DataContext.get_current().enable_progress_bars = False
    for r in range(runs):
        out = tempfile.mkdtemp(prefix="ray-pred-")
        t0 = time.perf_counter()
        ds = ray.data.read_images(imgdir, mode="RGB", include_paths=True)
        ds = ds.map(preprocess).map_batches(
            ResnetModel, fn_constructor_kwargs={"precision": precision}, concurrency=1, batch_size=32)
        ds.write_parquet(out)
        dt = time.perf_counter() - t0
        import pyarrow.parquet as pq

        rows = pq.read_table(out).num_rows
        shutil.rmtree(out)
        print(json.dumps({"run": r + 1, "precision": precision, "rows": rows, "images": n_images, "wall_s": dt,
                          "images_per_s": rows / dt}), flush=True)
    ray.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:4])
