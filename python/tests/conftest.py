"""Fixtures: the CLI and library of this build, a folder of photos (with corrupt files), a local Ray."""
import os
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BATCHVISION_BUILD_DIR", REPO / ".build" / "release"))
DATA = Path(os.environ.get("BATCHVISION_TEST_DATA", REPO.parent / "shared" / "data"))
IMAGENET_LIMIT = 20
# The model every test runs: small, and random weights so that no weights file is needed.
MODEL = dict(model="resnet18", random_weights=True)


@pytest.fixture(scope="session")
def cli():
    """The `batchvision` binary these tests compare against."""
    path = Path(os.environ.get("BATCHVISION_CLI", BUILD / "batchvision"))
    assert path.is_file(), f"no {path}: build it first (swift build -c release)"
    return path


def run_cli(cli, *args, env=None):
    """Runs `batchvision classify` with the tests' model; exit 0 (all good) or 2 (some inputs failed)."""
    command = [str(cli), "classify", *map(str, args), "--model", "resnet18", "--random-weights", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 2), f"{command} exited {done.returncode}:\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def photos(tmp_path_factory):
    """Samples/, up to 20 ImageNet photos (when the shared data is there), and two corrupt files."""
    folder = tmp_path_factory.mktemp("photos")
    good = folder / "good"
    good.mkdir()
    for f in sorted((REPO / "Samples").iterdir()):
        if f.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
            shutil.copy(f, good / f.name)
    imagenet = DATA / "imagenet-samples"
    if imagenet.is_dir():
        for f in sorted(imagenet.glob("*.JPEG"))[:IMAGENET_LIMIT]:
            shutil.copy(f, good / f.name)
    bad = folder / "bad"
    bad.mkdir()
    # A JPEG cut off after its header, and text with an image's name: both must become error rows.
    jpeg = next(good.glob("*.jpg")).read_bytes()
    (bad / "truncated.jpg").write_bytes(jpeg[:300])
    (bad / "not-an-image.png").write_bytes(b"this is not a PNG\n" * 10)
    return folder


@pytest.fixture(scope="session")
def cli_rows(cli, photos, tmp_path_factory):
    """The CLI's rows for every photo (good and bad), keyed by path, and its Arrow schema."""
    out = tmp_path_factory.mktemp("cli") / "predictions.parquet"
    run_cli(cli, photos, "--output", out, "--top-k", "5", "--batch-size", "8", "--threads", "2")
    table = pq.read_table(out)
    return rows_by_path(table), table.schema


def rows_by_path(table):
    """{normalised path: row dict}; paths must be unique."""
    rows = {os.path.normpath(r["path"]): r for r in table.to_pylist()}
    assert len(rows) == table.num_rows, "duplicate paths"
    return rows


@pytest.fixture(scope="session")
def local_ray():
    """A local two-CPU Ray, as the design's 2-core machine has."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", ignore_reinit_error=True)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()
