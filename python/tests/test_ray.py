"""The Ray example end to end on a local Ray: its Parquet rows equal the CLI's."""
import importlib.util
import os

import pyarrow.parquet as pq

from conftest import MODEL, REPO, rows_by_path
from helpers import assert_same_rows


def example():
    spec = importlib.util.spec_from_file_location("ray_batch_inference", REPO / "Examples" / "ray_batch_inference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_binary_files_pipeline_equals_the_cli(local_ray, photos, cli_rows, tmp_path):
    out = example().run(str(photos), str(tmp_path / "out"), decode="swift", actors=1, threads=2, batch_size=8,
                        show=True, top_k=5, **MODEL)
    rows = rows_by_path(pq.read_table(out))
    expected, _ = cli_rows
    assert_same_rows(rows, expected)
    assert sum(r["error"] is not None for r in rows.values()) == 2  # the two corrupt files, not dropped


def test_read_images_pipeline_equals_the_cli(local_ray, photos, cli_rows, tmp_path):
    """Ray decodes with Pillow; the engine's decoder gives the same pixels, so the same rows."""
    out = example().run(str(photos / "good"), str(tmp_path / "out"), decode="ray", actors=1, threads=2,
                        batch_size=8, show=False, top_k=5, **MODEL)
    rows = rows_by_path(pq.read_table(out))
    expected = {p: r for p, r in cli_rows[0].items() if os.sep + "good" + os.sep in p}
    assert_same_rows(rows, expected)
