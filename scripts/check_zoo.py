"""scripts/check-zoo's Python side: torchvision random weights vs `batchvision predict`, one model at a time."""
import json
import os
import subprocess
import sys
import tempfile

import torch
from PIL import Image
from torchvision import models

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Oracles"))
from models_zoo import build  # noqa: E402  (built and randomised as the tests' oracle does)

torch.set_num_threads(2)


def catalog(cli):
    listing = json.loads(subprocess.run([cli, "models", "--json"], capture_output=True, text=True, check=True).stdout)
    return [m["name"] for m in listing["models"]]


def check(cli, name, images, folder):
    model, _ = build(name, 0)
    weights = os.path.join(folder, f"{name}.pth")
    torch.save(model.state_dict(), weights)
    transforms = list(models.get_model_weights(name))[0].transforms()  # the catalog default: IMAGENET1K_V1, else the first
    with torch.no_grad():
        theirs = model(torch.stack([transforms(Image.open(p).convert("RGB")) for p in images]))
    done = subprocess.run([cli, "predict", *images, "--model", name, "--weights", weights, "--json", "--logits",
                           "--batch-size", "3", "--threads", "2"], capture_output=True, text=True)
    if done.returncode != 0:
        return False, done.stderr.strip().splitlines()[-1:]
    ours = torch.tensor([json.loads(line)["logits"] for line in done.stdout.splitlines()])
    scale = float(theirs.abs().max())
    worst = float((ours - theirs).abs().max())
    same_top1 = bool((ours.argmax(1) == theirs.argmax(1)).all())
    return worst <= 1e-4 * scale and same_top1, f"max |Δ| {worst:.3g} (tolerance {1e-4 * scale:.3g}), top-1 equal: {same_top1}"


def main(cli, names):
    every = models.list_models(module=models)
    names = names or [n for n in catalog(cli) if n in every]
    here = os.path.join(os.path.dirname(__file__), "..", "Samples")
    images = sorted(os.path.join(here, f) for f in os.listdir(here) if not f.endswith(".md"))
    passed = 0
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            ok, detail = check(cli, name, images, folder)
            passed += ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
            os.remove(os.path.join(folder, f"{name}.pth"))
    unchecked = [n for n in every if n not in names]
    print(f"{passed} of {len(every)} torchvision classifiers match PyTorch; not checked ({len(unchecked)}): {', '.join(unchecked)}")
    return 0 if passed == len(names) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
