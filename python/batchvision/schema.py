"""The output rows: the Arrow schema of the Parquet files `batchvision classify` writes, from the engine itself.

The columns, their types and nullability come from the Swift engine's one schema definition
(`PredictionSchema`, through `bv_output_schema` in the C ABI), so this package cannot drift from the CLI.
"""
import json

import pyarrow as pa

from . import _library

# The extensions the CLI lists in folders (Ray's read_images ones, plus webp); used to filter
# read_binary_files, which would otherwise read every file.
IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"]

# Bits of bv_output_schema's `extras`, and the --emit / --labels-from-dirs names of those groups.
EXTRAS = {"true_labels": 1, "logits": 2, "embeddings": 4}

_ARROW_TYPES = {
    "string": pa.string(), "int32": pa.int32(), "float32": pa.float32(),
    "list<string>": pa.list_(pa.string()), "list<int32>": pa.list_(pa.int32()), "list<float32>": pa.list_(pa.float32()),
}


def engine_schema(include_logits=False, include_embeddings=False, include_true_labels=False):
    """The engine's description of the columns: {"columns": [{name, type, nullable, extra, summary}], "metadata_keys"}."""
    extras = (EXTRAS["logits"] if include_logits else 0) | (EXTRAS["embeddings"] if include_embeddings else 0)
    extras |= EXTRAS["true_labels"] if include_true_labels else 0
    return json.loads(_library.load().bv_output_schema(extras).decode())


def prediction_schema(include_logits=False, include_embeddings=False):
    """path, label, class_index, confidence, top_k_labels, top_k_indices, top_k_probs, error[, logits][, embedding].

    Every column is nullable except path: a failed input has only path and error.
    """
    columns = engine_schema(include_logits, include_embeddings)["columns"]
    return pa.schema([pa.field(c["name"], _ARROW_TYPES[c["type"]], nullable=c["nullable"]) for c in columns])


def table(paths, predictions, include_logits=False):
    """A pyarrow.Table of `predictions` (a `Predictions` from the classifier) labelled with `paths`."""
    ok = [e is None for e in predictions.errors]

    def first(column):
        return [row[0] if good else None for row, good in zip(column, ok)]

    def lists(column):
        return [list(row) if good else None for row, good in zip(column, ok)]

    def matrix(values):
        rows = values.tolist() if values is not None else [None] * len(ok)
        return [row if good else None for row, good in zip(rows, ok)]

    values = {
        "path": lambda: [str(p) for p in paths],
        "label": lambda: first(predictions.labels),
        "class_index": lambda: first(predictions.indices.tolist()),
        "confidence": lambda: first(predictions.probabilities.tolist()),
        "top_k_labels": lambda: lists(predictions.labels),
        "top_k_indices": lambda: lists(predictions.indices.tolist()),
        "top_k_probs": lambda: lists(predictions.probabilities.tolist()),
        "error": lambda: list(predictions.errors),
        "logits": lambda: matrix(predictions.logits),
        "embedding": lambda: matrix(predictions.embeddings),
    }
    schema = prediction_schema(include_logits, predictions.embeddings is not None)
    missing = [f.name for f in schema if f.name not in values]
    if missing:
        raise RuntimeError(f"the engine's schema has columns this package cannot fill: {missing}")
    # float32 -> Python float -> float32 is exact, so probabilities keep the engine's bits.
    return pa.Table.from_arrays([pa.array(values[f.name](), type=f.type) for f in schema], schema=schema)
