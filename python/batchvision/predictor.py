"""BatchVisionPredictor: the callable class Ray Data's map_batches constructs once per actor."""
import os

import numpy as np

from .classifier import Classifier
from .schema import table


class BatchVisionPredictor:
    """Classifies a Ray Data batch into the rows `batchvision classify` writes.

    Use it as the tutorial uses its ResnetModel:

        ds.map_batches(BatchVisionPredictor, fn_constructor_kwargs=dict(model="resnet152"),
                       compute=ray.data.ActorPoolStrategy(size=2), batch_size=64)

    Input batches (dict of numpy arrays or pandas DataFrame) come from either
      - read_binary_files(..., include_paths=True): `bytes` and `path`; decoding happens in Swift,
        so a corrupt file becomes an error row instead of failing the read, or
      - read_images(..., include_paths=True): `image` (HWC uint8 arrays) and `path`.
    The result is a pyarrow.Table: path, label, class_index, confidence, top_k_labels,
    top_k_indices, top_k_probs, error (null on success)[, logits][, embedding]; one row per input, always.

    Keyword arguments mirror the CLI: model, weights, random_weights, precision, threads, top_k,
    resize, crop, mean, std, batch_size (images per model run, not Ray's batch), logits,
    embeddings (the pooled features before the head, as `--emit embeddings`), labels (class names
    for a fine-tuned head, as `--labels`), calibration (with precision="int8", as `--calibration`).
    threads=None uses the CPUs Ray assigned to this actor when there are any, else every core.
    """

    def __init__(self, model="resnet152", weights=None, random_weights=False, precision="fp32", threads=None,
                 top_k=5, resize=None, crop=None, mean=None, std=None, batch_size=16, logits=False, embeddings=False,
                 labels=None, calibration=None):
        self.top_k = top_k
        self.logits = logits
        self.classifier = Classifier(
            model=model, weights=weights, random_weights=random_weights, threads=threads or _default_threads(),
            precision=precision, batch_size=batch_size, resize=resize, crop=crop, mean=mean, std=std,
            embeddings=embeddings, labels=labels, calibration=calibration)

    def __call__(self, batch):
        columns = _columns(batch)
        if "bytes" in columns:
            predictions = self.classifier.classify_encoded(list(columns["bytes"]), self.top_k, self.logits)
        elif "image" in columns:
            predictions = self.classifier.classify_decoded(_images(columns["image"]), self.top_k, self.logits)
        else:
            raise KeyError(f"batch has columns {sorted(columns)}; expected 'bytes' (read_binary_files) "
                           "or 'image' (read_images)")
        n = len(predictions.errors)
        paths = columns["path"] if "path" in columns else [str(i) for i in range(n)]
        return table(list(paths), predictions, self.logits)


def _columns(batch):
    """{name: sequence} from a dict of arrays or a pandas DataFrame."""
    if hasattr(batch, "columns") and hasattr(batch, "iloc"):  # pandas, without importing it
        return {name: batch[name].to_numpy() for name in batch.columns}
    return dict(batch)


def _images(column):
    """The images of an `image` column: a stacked (N, H, W, C) array or an object array of arrays."""
    if isinstance(column, np.ndarray) and column.dtype != object:
        return [column[i] for i in range(column.shape[0])]
    return list(column)


def _default_threads():
    """The CPUs Ray gave this actor, else all cores: oversubscribing actors slows every one of them."""
    try:
        import ray

        if ray.is_initialized():
            cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 0)
            if cpus >= 1:
                return int(cpus)
    except Exception:  # outside Ray, or an older Ray without the call
        pass
    return os.cpu_count() or 1
