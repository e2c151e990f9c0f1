"""`batchvision classify --shard i/3` as three concurrent processes into one folder equals one process."""
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq

from conftest import rows_by_path, run_cli
from helpers import assert_same_rows


def classify(cli, photos, output, *extra):
    return [str(cli), "classify", str(photos), "--output", str(output), "--model", "resnet18", "--random-weights",
            "--quiet", "--format", "parquet", "--threads", "1", "--decode-workers", "1", "--rows-per-file", "4", *extra]


def test_three_concurrent_shards_equal_one_process(cli, photos, cli_rows, tmp_path):
    folder = tmp_path / "sharded"
    processes = [subprocess.Popen(classify(cli, photos, f"{folder}/", "--shard", f"{i}/3"), stderr=subprocess.PIPE)
                 for i in range(3)]
    for p in processes:
        _, err = p.communicate(timeout=300)
        assert p.returncode in (0, 2), err.decode()
    parts = sorted(f.name for f in folder.glob("*.parquet"))
    # Every shard wrote its own tagged parts: no name is shared, and each shard has some.
    assert len(parts) == len(set(parts))
    for i in range(3):
        assert any(name.startswith(f"part-s{i}of3-") for name in parts), parts
    assert all(name.startswith("part-s") for name in parts), parts
    tables = [pq.read_table(folder / name) for name in parts]
    union = [row for t in tables for row in t.to_pylist()]
    # Read in name order, the parts are the single-process output in its order.
    single, _ = cli_rows
    assert [os.path.normpath(r["path"]) for r in union] == list(single)
    assert_same_rows(rows_by_path(pq.read_table(folder)), single)


def test_auto_shard_reads_the_job_index(cli, photos, cli_rows, tmp_path):
    env = dict(os.environ, JOB_COMPLETION_INDEX="1")
    run_cli(cli, photos, "--output", f"{tmp_path}/k8s/", "--shard", "auto/3", "--format", "parquet", env=env)
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="1")
    run_cli(cli, photos, "--output", f"{tmp_path}/slurm/", "--shard", "auto/3", "--format", "parquet", env=env)
    k8s = pq.read_table(f"{tmp_path}/k8s/").to_pylist()
    slurm = pq.read_table(f"{tmp_path}/slurm/").to_pylist()
    paths = list(cli_rows[0])
    middle = paths[len(paths) // 3:2 * len(paths) // 3]
    assert [os.path.normpath(r["path"]) for r in k8s] == middle
    assert [r["path"] for r in slurm] == [r["path"] for r in k8s]
    assert all(f.name.startswith("part-s1of3-") for f in Path(f"{tmp_path}/k8s").glob("*.parquet"))
