"""PyTorch oracle for ImageNetModels: random-init torchvision ResNets, ResNeXts and Wide ResNets, saved by torch.

Usage: models_resnet.py OUTDIR NAME[:CLASSES] ...     (NAME: resnet18 ... resnet152, resnext50_32x4d, wide_resnet50_2, ...)
For each NAME (with CLASSES outputs, default 1000; the stem is NAME or NAME-CLASSES), writes into OUTDIR:
  STEM-legacy.pth   state_dict, torch.save(..., _use_new_zipfile_serialization=False)
  STEM-zip.pth      the same state_dict, torch.save's default zip format
  STEM-wrapped.pth  (with CLASSES only) {"model": the state_dict with every key prefixed "module.", "epoch": 3},
                    as a training script saving an nn.DataParallel model writes it
  STEM-x1.bin, STEM-y1.bin   input (1, 3, 224, 224) and PyTorch's logits (1, CLASSES)
  STEM-x3.bin, STEM-y3.bin   the same at batch 3
and prints one JSON line per model (max |logit|, so a failing test can say what scale it saw).
Every array is little-endian float32, row-major.
"""
import json
import sys

import torch
import torchvision

torch.set_num_threads(2)


def randomize_batch_norms(model, generator):
    """Random running stats and affine parameters, so that folding batch norm into convs is exercised.

    The last batch norm of each residual block gets a small gamma (0.1-0.4) so that ResNet-152's
    50 residual additions keep activations in a range where float32 relative error means something.
    """
    last = {"bn2"} if isinstance(model.layer1[0], torchvision.models.resnet.BasicBlock) else {"bn3"}
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.BatchNorm2d):
            continue
        c = module.num_features
        u = lambda: torch.rand(c, generator=generator)  # noqa: E731
        small = name.split(".")[-1] in last
        module.weight.data = (0.1 + 0.3 * u()) if small else (0.5 + u())
        module.bias.data = (u() - 0.5) * 0.4
        module.running_mean.data = (u() - 0.5) * 0.4
        module.running_var.data = 0.5 + u()
    with torch.no_grad():
        model.fc.bias.uniform_(-0.1, 0.1, generator=generator)


def main(outdir, specs):
    for spec in specs:
        name, _, classes = spec.partition(":")
        seed = sum(map(ord, spec))
        generator = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        model = getattr(torchvision.models, name)(weights=None, num_classes=int(classes or 1000))
        randomize_batch_norms(model, generator)
        model.eval()
        stem = f"{outdir}/{name}" + (f"-{classes}" if classes else "")
        torch.save(model.state_dict(), f"{stem}-legacy.pth", _use_new_zipfile_serialization=False)
        torch.save(model.state_dict(), f"{stem}-zip.pth")
        if classes:  # the fine-tuned model also comes as a training script's DataParallel checkpoint
            wrapped = {"model": {"module." + k: v for k, v in model.state_dict().items()}, "epoch": 3}
            torch.save(wrapped, f"{stem}-wrapped.pth")
        scale = {}
        for batch in (1, 3):
            x = torch.randn(batch, 3, 224, 224, generator=generator)
            with torch.no_grad():
                y = model(x)
            x.numpy().astype("<f4").tofile(f"{stem}-x{batch}.bin")
            y.numpy().astype("<f4").tofile(f"{stem}-y{batch}.bin")
            scale[batch] = float(y.abs().max())
        print(json.dumps({"model": spec, "max_abs_logit": scale}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
