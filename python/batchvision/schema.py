"""The output rows: the same Arrow schema as the Parquet files `batchvision classify` writes."""
import pyarrow as pa

# The extensions the CLI lists in folders (Ray's read_images ones, plus webp); used to filter
# read_binary_files, which would otherwise read every file.
IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"]


def prediction_schema(include_logits=False):
    """path, label, class_index, confidence, top_k_labels, top_k_indices, top_k_probs, error[, logits].

    Every column is nullable except path: a failed input has only path and error.
    """
    fields = [
        pa.field("path", pa.string(), nullable=False),
        pa.field("label", pa.string()),
        pa.field("class_index", pa.int32()),
        pa.field("confidence", pa.float32()),
        pa.field("top_k_labels", pa.list_(pa.string())),
        pa.field("top_k_indices", pa.list_(pa.int32())),
        pa.field("top_k_probs", pa.list_(pa.float32())),
        pa.field("error", pa.string()),
    ]
    if include_logits:
        fields.append(pa.field("logits", pa.list_(pa.float32())))
    return pa.schema(fields)


def table(paths, predictions, include_logits=False):
    """A pyarrow.Table of `predictions` (a `Predictions` from the classifier) labelled with `paths`."""
    ok = [e is None for e in predictions.errors]

    def first(column):
        return [row[0] if good else None for row, good in zip(column, ok)]

    def lists(column):
        return [list(row) if good else None for row, good in zip(column, ok)]

    columns = [
        [str(p) for p in paths],
        first(predictions.labels),
        first(predictions.indices.tolist()),
        first(predictions.probabilities.tolist()),
        lists(predictions.labels),
        lists(predictions.indices.tolist()),
        lists(predictions.probabilities.tolist()),
        list(predictions.errors),
    ]
    if include_logits:
        logits = predictions.logits.tolist() if predictions.logits is not None else [None] * len(ok)
        columns.append([row if good else None for row, good in zip(logits, ok)])
    schema = prediction_schema(include_logits)
    # float32 -> Python float -> float32 is exact, so probabilities keep the engine's bits.
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)
