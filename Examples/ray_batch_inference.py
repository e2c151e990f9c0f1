"""Ray Data batch inference with the BatchVision engine: Ray's image-classification tutorial, end to end.

The tutorial (docs.ray.io, "Image Classification Batch Inference with PyTorch") reads images,
preprocesses them with torchvision, runs a ResNet in `map_batches`, looks at a batch, and writes
Parquet. Here the whole per-image path (decode, resize, crop, normalise, the model, softmax,
top-k) is BatchVision's Swift engine, loaded through `python/batchvision`:

    ray.data.read_binary_files(SOURCE, include_paths=True)         # or read_images(...) with --decode ray
      .map_batches(BatchVisionPredictor, fn_constructor_kwargs=dict(model="resnet152", ...),
                   compute=ray.data.ActorPoolStrategy(size=ACTORS), batch_size=BATCH)
      .take_batch(3)                                                # look
      .write_parquet(OUTPUT)                                        # path, label, class_index, confidence, ...

The same job as one command on one machine (identical rows):

    batchvision classify s3://anonymous@air-example-data-2/imagenette2/train/ \\
        --model resnet152 --batch-size 64 --top-k 5 --output predictions/

Usage:
    python Examples/ray_batch_inference.py SOURCE OUTPUT [--model resnet152] [--weights FILE | --random-weights]
        [--decode swift|ray] [--actors 1] [--threads N] [--batch-size 64] [--top-k 5] [--limit N]

SOURCE is a folder, a file, or an S3 prefix (s3://anonymous@bucket/prefix for public buckets).
Needs `pip install ./python "ray[data]"`.
"""
import argparse
import os
import sys
from pathlib import Path

import ray

try:
    import batchvision
except ImportError:  # run from a checkout without installing: use ../python
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
    import batchvision

from batchvision import IMAGE_EXTENSIONS, BatchVisionPredictor


def read(source, decode="swift", limit=None):
    """The input dataset: encoded files (decoded by the engine: a corrupt file becomes an error row) or Ray's decoding."""
    if decode == "swift":
        ds = ray.data.read_binary_files(source, include_paths=True, file_extensions=IMAGE_EXTENSIONS)
    else:
        # Ray decodes with Pillow; a corrupt file fails the read task here, before our engine sees it.
        # The CLI's extensions: Ray's default list lacks webp.
        ds = ray.data.read_images(source, mode="RGB", include_paths=True, file_extensions=IMAGE_EXTENSIONS)
    return ds.limit(limit) if limit else ds


def classify(ds, actors=1, batch_size=64, threads=None, **predictor):
    """`ds` with the predictor applied: one row per input, the CLI's columns.

    Each actor reserves one Ray CPU (so that read tasks still get CPUs) and runs `threads`
    engine threads; by default the machine's cores shared between the actors.
    """
    threads = threads or max(1, (os.cpu_count() or 1) // actors)
    predictor.setdefault("batch_size", batch_size)  # one model run per Ray batch, as the tutorial does
    return ds.map_batches(
        BatchVisionPredictor,
        fn_constructor_kwargs=dict(threads=threads, **predictor),
        compute=ray.data.ActorPoolStrategy(size=actors),
        batch_size=batch_size,
        batch_format="numpy",
        num_cpus=1,
    )


def run(source, output, decode="swift", limit=None, actors=1, batch_size=64, threads=None, show=True, **predictor):
    """The tutorial's pipeline: read, classify, look at a batch, write Parquet into `output`."""
    ds = classify(read(source, decode, limit), actors=actors, batch_size=batch_size, threads=threads, **predictor)
    if show:
        batch = ds.take_batch(3, batch_format="pandas")
        print(batch[["path", "label", "confidence", "error"]].to_string(index=False))
    ds.write_parquet(output)
    return output


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source")
    p.add_argument("output")
    p.add_argument("--model", default="resnet152")
    p.add_argument("--weights")
    p.add_argument("--random-weights", action="store_true")
    p.add_argument("--precision", default="fp32")
    p.add_argument("--decode", choices=["swift", "ray"], default="swift")
    p.add_argument("--actors", type=int, default=1)
    p.add_argument("--threads", type=int)
    p.add_argument("--batch-size", type=int, default=64, help="images per Ray batch and per model run")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--limit", type=int)
    p.add_argument("--num-cpus", type=int, help="ray.init(num_cpus=...) for a local cluster")
    a = p.parse_args(argv)
    ray.init(num_cpus=a.num_cpus, include_dashboard=False, ignore_reinit_error=True)
    run(a.source, a.output, decode=a.decode, limit=a.limit, actors=a.actors, batch_size=a.batch_size,
        threads=a.threads, model=a.model, weights=a.weights, random_weights=a.random_weights,
        precision=a.precision, top_k=a.top_k)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
