"""Prints scripts/bench-models' JSON lines as a table: images/s per engine and precision, and batchvision's ratios.

Usage: bench_models_table.py RESULTS.jsonl
Each line is one engine's measurement of one (model, batch, precision) in one round. Per engine: the median over
rounds of its median-batch images/s, and its best batch in any round. Ratios are batchvision / engine at the same
precision: the median over rounds of the per-round ratio (both measured minutes apart in the same round), and
best / best. Then batchvision against itself: each faster precision over fp32 (and int8 over bf16), paired the same way.
"""
import json
import statistics
import sys
from collections import defaultdict

ENGINES = ["batchvision", "torch-eager", "torch-channels_last", "torch-bf16", "onnxruntime", "openvino", "openvino-bf16",
           "onnxruntime-int8", "openvino-int8"]
runs = defaultdict(dict)  # (model, batch, precision, engine) -> {round: result}
versions = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r["model"], r["batch_size"], r.get("precision", "fp32"), r["engine"])
    runs[key][r.get("round", 1)] = r
    if "version" in r:
        versions[r["engine"], r.get("precision", "fp32")] = r["version"]

print(f"{'model':20s} {'batch':>5s} {'prec':>4s} {'engine':20s} {'img/s median':>12s} {'best':>7s} "
      f"{'ours/engine median':>18s} {'best':>6s} {'others':>6s}")
for model, batch, precision in sorted({k[:3] for k in runs}):
    ours = runs.get((model, batch, precision, "batchvision"), {})
    for engine in ENGINES:
        results = runs.get((model, batch, precision, engine))
        if not results:
            continue
        median = statistics.median(r["images_per_s"] for r in results.values())
        best = max(r["images_per_s_best"] for r in results.values())
        ratio = best_ratio = others = ""
        if engine != "batchvision" and ours:
            paired = [ours[k]["images_per_s"] / r["images_per_s"] for k, r in results.items() if k in ours]
            ratio = f"{statistics.median(paired):.2f}x" if paired else ""
            best_ratio = f"{max(r['images_per_s_best'] for r in ours.values()) / best:.2f}x"
        if any("others_cores" in r for r in results.values()):
            others = f"{max(r.get('others_cores', 0) for r in results.values()):.2f}"
        print(f"{model:20s} {batch:5d} {precision:>4s} {engine:20s} {median:12.2f} {best:7.2f} {ratio:>18s} "
              f"{best_ratio:>6s} {others:>6s}")
print("img/s: at the median batch, median over rounds; best: the fastest batch of any round; ratios: median over "
      "rounds of the same round's ratio, and best/best; others: most cores other processes used during a peer's "
      "timing (>0.2: disturbed)")


def paired(fast, slow):
    """fast / slow images/s: median over rounds of the same round's ratio, and best / best."""
    rounds = [fast[k]["images_per_s"] / slow[k]["images_per_s"] for k in fast if k in slow]
    best = max(r["images_per_s_best"] for r in fast.values()) / max(r["images_per_s_best"] for r in slow.values())
    return f"{statistics.median(rounds):.2f}x" if rounds else "", f"{best:.2f}x"


pairs = [("bf16", "fp32"), ("int8", "fp32"), ("int8", "bf16")]
lines = []
for model, batch in sorted({k[:2] for k in runs}):
    for fast, slow in pairs:
        a, b = runs.get((model, batch, fast, "batchvision")), runs.get((model, batch, slow, "batchvision"))
        if a and b:
            median, best = paired(a, b)
            lines.append(f"{model:20s} {batch:5d} {fast + ' / ' + slow:>12s} {median:>8s} {best:>6s}")
if lines:
    print(f"\nbatchvision across precisions\n{'model':20s} {'batch':>5s} {'':>12s} {'median':>8s} {'best':>6s}")
    print("\n".join(lines))
for (engine, precision), version in sorted(versions.items()):
    print(f"  {engine} ({precision}): {version}")
