"""Runs a benchmark command that prints one JSON object per line and adds to each how busy the machine was.

Usage: with_others.py COMMAND [ARGS...]
Adds "others_cores": the cores' worth of CPU that other processes used while the command ran (all busy time in
/proc/stat minus the command's own user + system time, over the wall time). On a shared 2-core machine, a number
above ~0.2 means the measurement was disturbed. The peers compute the same figure over their timed calls
(bench_models_peer.py); this covers what cannot, such as `batchvision bench`.
"""
import json
import os
import resource
import subprocess
import sys
import time


def busy_seconds():
    v = list(map(int, open("/proc/stat").readline().split()[1:9]))
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


b0, w0 = busy_seconds(), time.time()
out = subprocess.run(sys.argv[1:], check=True, stdout=subprocess.PIPE, text=True).stdout
b1, w1 = busy_seconds(), time.time()
ours = resource.getrusage(resource.RUSAGE_CHILDREN)
others = max(0.0, (b1 - b0) - ours.ru_utime - ours.ru_stime) / max(w1 - w0, 1e-9)
for line in out.splitlines():
    if line.startswith("{"):
        print(json.dumps({**json.loads(line), "others_cores": round(others, 2)}), flush=True)
