"""BatchVisionPredictor without Ray: inputs it accepts, the schema it returns, the errors it reports."""
import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import batchvision
from batchvision import BatchVisionPredictor, ClassifierError
from conftest import MODEL, rows_by_path
from helpers import assert_same_rows


@pytest.fixture(scope="module")
def predictor():
    return BatchVisionPredictor(**MODEL, threads=2, batch_size=4)


def files(photos):
    return sorted(str(p) for p in photos.rglob("*") if p.is_file())


def test_version_matches_the_cli(cli):
    import subprocess

    printed = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip()
    assert batchvision.version() == printed
    assert batchvision.abi_version() == 3


def test_bytes_batch_equals_the_cli_rows_and_schema(predictor, photos, cli_rows):
    paths = files(photos)
    table = predictor({"bytes": np.array([open(p, "rb").read() for p in paths], dtype=object),
                       "path": np.array(paths)})
    expected, schema = cli_rows
    assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in schema]
    assert_same_rows(rows_by_path(table), expected)


def test_pandas_batch_is_accepted(predictor, photos, cli_rows):
    paths = files(photos)[:3]
    frame = pd.DataFrame({"bytes": [open(p, "rb").read() for p in paths], "path": paths})
    table = predictor(frame)
    assert_same_rows(rows_by_path(table), {os.path.normpath(p): cli_rows[0][os.path.normpath(p)] for p in paths})


def test_decoded_arrays_and_non_images(predictor):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(40, 60, 3), dtype=np.uint8)
    batch = {"image": np.array([image, image[:, :, 0], np.zeros((2, 2, 5), np.uint8), image.astype(np.float32)],
                               dtype=object),
             "path": np.array(["rgb", "gray", "five-channels", "float"])}
    rows = predictor(batch).to_pylist()
    assert [r["path"] for r in rows] == ["rgb", "gray", "five-channels", "float"]
    assert rows[0]["error"] is None and rows[1]["error"] is None
    assert rows[2]["error"] and "shape" in rows[2]["error"] and rows[2]["label"] is None
    assert rows[3]["error"] and "dtype" in rows[3]["error"]
    # A gray image is classified as its RGB conversion (R = G = B), as PIL's convert("RGB") does.
    gray = predictor({"image": [np.repeat(image[:, :, :1], 3, axis=2)], "path": ["g"]}).to_pylist()[0]
    assert gray["top_k_indices"] == rows[1]["top_k_indices"]


def test_stacked_images_chunked_by_batch_size(predictor):
    """A (N, H, W, 3) batch larger than the model's batch size: every row, in order, as when classified alone.

    (A partial chunk may run different oneDNN kernels, so probabilities agree within 1e-6, not bit for bit.)
    """
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(9, 32, 48, 3), dtype=np.uint8)
    together = predictor({"image": images, "path": np.arange(9).astype(str)}).to_pylist()
    alone = [predictor({"image": images[i:i + 1], "path": np.array([str(i)])}).to_pylist()[0] for i in (0, 8)]
    assert [r["path"] for r in together] == [str(i) for i in range(9)]
    for row, single in zip((together[0], together[8]), alone):
        assert row["top_k_indices"] == single["top_k_indices"] and row["error"] is None
        np.testing.assert_allclose(row["top_k_probs"], single["top_k_probs"], rtol=0, atol=1e-6)


def test_logits_column(photos):
    p = BatchVisionPredictor(**MODEL, threads=2, top_k=3, logits=True)
    path = files(photos / "good")[0]
    row = p({"bytes": [open(path, "rb").read()], "path": [path]}).to_pylist()[0]
    logits = np.array(row["logits"], np.float32)
    assert logits.shape == (1000,) and row["top_k_indices"] == list(np.argsort(-logits, kind="stable")[:3])


def test_bad_arguments_raise_with_the_engine_message():
    with pytest.raises(ClassifierError, match="unknown model 'resnet9'"):
        BatchVisionPredictor(model="resnet9", random_weights=True)
    with pytest.raises(ClassifierError, match="precision"):
        BatchVisionPredictor(**MODEL, precision="fp8")
    with pytest.raises(ClassifierError, match="batch size"):
        BatchVisionPredictor(**MODEL, batch_size=5000)


def test_preprocessing_options_change_the_result(photos):
    path = files(photos / "good")[0]
    batch = {"bytes": [open(path, "rb").read()], "path": [path]}
    default = BatchVisionPredictor(**MODEL, threads=1)(batch).to_pylist()[0]
    other = BatchVisionPredictor(**MODEL, threads=1, resize=160, crop=128, mean=[0.5] * 3, std=[0.5] * 3)(batch)
    assert other.to_pylist()[0]["top_k_probs"] != default["top_k_probs"]


def test_embeddings_and_schema_equal_the_cli_with_emit_embeddings(cli, photos, tmp_path):
    """embeddings=True gives the `embedding` column `classify --emit embeddings` writes, same schema and values."""
    from conftest import run_cli

    out = tmp_path / "emb.parquet"
    run_cli(cli, photos, "--output", out, "--emit", "embeddings", "--batch-size", "4", "--threads", "2")
    cli_table = pq.read_table(out)
    paths = files(photos)
    table = BatchVisionPredictor(**MODEL, threads=2, batch_size=4, embeddings=True)(
        {"bytes": np.array([open(p, "rb").read() for p in paths], dtype=object), "path": np.array(paths)})
    assert [(f.name, f.type, f.nullable) for f in table.schema] == [(f.name, f.type, f.nullable) for f in cli_table.schema]
    expected = rows_by_path(cli_table)
    for row in table.to_pylist():
        want = expected[os.path.normpath(row["path"])]
        if want["error"] is not None:
            assert row["embedding"] is None and row["error"]
            continue
        ours, theirs = np.array(row["embedding"], np.float32), np.array(want["embedding"], np.float32)
        assert ours.shape == (512,)  # ResNet-18's pooled features
        # Unpadded chunks (Ray's path) agree with the CLI's padded batches to float rounding.
        assert np.abs(ours - theirs).max() <= 1e-4 * np.abs(theirs).max()


def test_schema_comes_from_the_engine():
    schema = batchvision.schema.engine_schema(include_logits=True, include_embeddings=True, include_true_labels=True)
    names = [c["name"] for c in schema["columns"]]
    assert names[:8] == ["path", "label", "class_index", "confidence", "top_k_labels", "top_k_indices", "top_k_probs", "error"]
    assert {"true_label", "true_index", "logits", "embedding"} <= set(names)
    assert "batchvision.weights_sha256" in schema["metadata_keys"]


def test_int8_with_a_calibration_equals_the_cli(cli, photos, tmp_path):
    """precision="int8" with the file `batchvision calibrate` wrote: the CLI's int8 rows; without it, an error."""
    import subprocess

    calibration = tmp_path / "r18.int8.json"
    subprocess.run([str(cli), "calibrate", str(photos / "good"), "--model", "resnet18", "--random-weights",
                    "--output", str(calibration)], check=True, capture_output=True)
    out = tmp_path / "int8.parquet"
    run = subprocess.run([str(cli), "classify", str(photos / "good"), "--model", "resnet18", "--random-weights",
                          "--precision", "int8", "--calibration", str(calibration), "--batch-size", "4", "--threads", "2",
                          "--output", str(out), "--quiet"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    expected = rows_by_path(pq.read_table(out))
    assert pq.read_schema(out).metadata[b"batchvision.precision"] == b"int8"
    p = BatchVisionPredictor(**MODEL, precision="int8", calibration=str(calibration), threads=2, batch_size=4)
    paths = files(photos / "good")
    table = p({"bytes": np.array([open(f, "rb").read() for f in paths], dtype=object), "path": np.array(paths)})
    assert_same_rows(rows_by_path(table), expected)
    with pytest.raises(ClassifierError, match="int8 needs a calibration"):
        BatchVisionPredictor(**MODEL, precision="int8")
