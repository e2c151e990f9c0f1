"""Prints scripts/bench-models' JSON lines as a table: median images/s per engine, and batchvision's ratios.

Usage: bench_models_table.py RESULTS.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict

ENGINES = ["batchvision", "torch-eager", "torch-channels_last", "onnxruntime", "openvino"]
runs = defaultdict(list)
others = defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs[(r["model"], r["batch_size"], r["engine"])].append(r["images_per_s"])
    if "others_cores" in r:
        others[(r["model"], r["batch_size"])].append(r["others_cores"])

print(f"{'model':20s} {'batch':>5s} " + " ".join(f"{e:>19s}" for e in ENGINES)
      + f" {'vs best ORT/OV':>14s} {'vs torch':>8s} {'others':>6s}")
for model, batch in sorted({(m, b) for m, b, _ in runs}, key=lambda k: (k[0], k[1])):
    ips = {e: statistics.median(runs[(model, batch, e)]) for e in ENGINES if runs.get((model, batch, e))}
    cells = " ".join(f"{ips[e]:19.2f}" if e in ips else f"{'-':>19s}" for e in ENGINES)
    best_peer = max([ips[e] for e in ("onnxruntime", "openvino") if e in ips], default=None)
    ratio = f"{ips['batchvision'] / best_peer:13.2f}x" if best_peer and "batchvision" in ips else f"{'-':>14s}"
    torch = f"{ips['batchvision'] / ips['torch-eager']:7.2f}x" if "torch-eager" in ips and "batchvision" in ips else f"{'-':>8s}"
    busy = f"{max(others[(model, batch)]):6.2f}" if others[(model, batch)] else f"{'-':>6s}"
    print(f"{model:20s} {batch:5d} {cells} {ratio} {torch} {busy}")
print("images/s at the median batch (median over rounds); 'others' = most cores other processes used during a peer's "
      "timing (>0.2: disturbed)")
