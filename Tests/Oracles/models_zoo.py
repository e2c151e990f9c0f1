"""PyTorch oracle for any torchvision classifier: random init, batch norms randomised, saved by torch, with logits.

Usage: models_zoo.py OUTDIR NAME[@SIZE] ...      (NAME: any name torchvision's list_models() gives)
For each NAME (input SIZE x SIZE, default the crop size of its IMAGENET1K_V1 transforms()), writes into OUTDIR
(files named for the whole argument, NAME or NAME@SIZE):
  NAME.pth                    its state_dict (torch.save's zip format)
  NAME-x1.bin, NAME-y1.bin    input (1, 3, SIZE, SIZE) and PyTorch's logits (1, classes)
  NAME-x3.bin, NAME-y3.bin    the same at batch 3
and prints one JSON line per model: {"model", "size", "max_abs_logit"}. Arrays are little-endian float32.
Models whose pretrained weights need constructor arguments (GoogLeNet, Inception V3: transform_input, aux heads)
are built with those (`PRETRAINED_KWARGS`, and ViT-H at the 518 pixels of its default SWAG weights), in eval mode so the aux heads stay in the state_dict but do not run.
Every BatchNorm gets random statistics and affine parameters (so folding them is exercised), every LayerNorm
random affine parameters, every bias torchvision initialises to zero random values, and every other tensor
initialised to a constant (ViT's class token and zero head, ConvNeXt's 1e-6 layer scale, attention's zero
in_proj_bias, Swin V2's log(10) logit scale) random values of a sensible size, so that parity means something.
Relative position bias tables (Swin, MaxViT) get values of about the size of attention scores, and Swin and MaxViT
fan-in weights (`FAN_IN_INIT`), so that their logits depend on the input and on every position bias.
"""
import json
import math
import sys

import torch
from torchvision import models

torch.set_num_threads(2)

# What `models.<name>(weights=...)` passes to the constructor for torchvision's own weights.
PRETRAINED_KWARGS = {
    "googlenet": dict(transform_input=True, aux_logits=True, init_weights=False),
    "inception_v3": dict(transform_input=True, aux_logits=True, init_weights=False),
    # ViT-H/14's only full weights are SWAG E2E, at 518 (torchvision sets image_size from the weights' min_size)
    "vit_h_14": dict(image_size=518),
}
# With init_weights=False their convolutions keep PyTorch's default init, which shrinks the signal about 2.5x
# per layer: the logits would be the head's bias whatever the input. He init keeps the features alive.
HE_INIT = {"googlenet", "inception_v3"}
# Swin and MaxViT draw every Linear (and MaxViT every Conv2d) weight with std 0.02, a scale meant for training
# from scratch: the signal then shrinks so fast that MaxViT's logits do not depend on the input at all (spread
# 8e-6 of max|logit|) and attention is nearly uniform, so a wrong position bias moves the logits by less than the
# tolerance. Fan-in initialisation keeps the features and the attention patterns alive.
FAN_IN_INIT = ("swin_", "maxvit_")


def randomize(model, generator):
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            c = module.num_features
            u = lambda: torch.rand(c, generator=generator)  # noqa: E731
            module.weight.data = 0.5 + u()
            module.bias.data = (u() - 0.5) * 0.4
            module.running_mean.data = (u() - 0.5) * 0.4
            module.running_var.data = 0.5 + u()
        elif isinstance(module, torch.nn.LayerNorm):  # ConvNeXt's LayerNorm2d too
            u = lambda: torch.rand(module.weight.shape, generator=generator)  # noqa: E731
            module.weight.data = 0.5 + u()
            module.bias.data = (u() - 0.5) * 0.4
        elif isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)) and module.bias is not None:
            module.bias.data = (torch.rand(module.bias.shape, generator=generator) - 0.5) * 0.2
    for name, parameter in model.named_parameters():
        if name.endswith("relative_position_bias_table"):  # trunc_normal(std=0.02): give the bias a say
            parameter.data = (torch.rand(parameter.shape, generator=generator) - 0.5) * 4
            continue
        if parameter.numel() < 2 or parameter.min() != parameter.max():
            continue
        u = torch.rand(parameter.shape, generator=generator)
        if name.endswith("logit_scale"):  # Swin V2's log(10): from log 3 to log 300, so the clamp at log 100 bites
            parameter.data = math.log(3) + u * math.log(100)
        elif name.endswith("layer_scale"):  # a per-channel gain: keep each block's branch alive
            parameter.data = 0.5 + u
        elif parameter.dim() == 2:  # a zero-initialised head: uniform with fan-in variance
            parameter.data = (u * 2 - 1) * (3 / parameter.shape[1]) ** 0.5
        else:  # tokens, position embeddings, biases
            parameter.data = (u - 0.5) * 0.4


def build(name, seed, classes=1000):
    """`name` as its pretrained weights construct it (with a head of `classes`), randomly initialised from `seed`,
    randomised, in eval mode.

    Returns the model and the generator, for drawing inputs from the same seed.
    """
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = models.get_model(name, weights=None, num_classes=classes, **PRETRAINED_KWARGS.get(name, {}))
    if name in HE_INIT:
        for module in model.modules():
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(module.weight, nonlinearity="relu")  # seeded by torch.manual_seed
    if name.startswith(FAN_IN_INIT):
        for module in model.modules():
            if isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)):
                fan_in = module.weight[0].numel()
                torch.nn.init.uniform_(module.weight, -((3 / fan_in) ** 0.5), (3 / fan_in) ** 0.5)  # variance 1/fan_in
    randomize(model, generator)
    return model.eval(), generator


def main(outdir, specs):
    for spec in specs:
        name, _, size = spec.partition("@")
        size = int(size) if size else list(models.get_model_weights(name))[0].transforms().crop_size[0]
        model, generator = build(name, sum(map(ord, name)))
        torch.save(model.state_dict(), f"{outdir}/{spec}.pth")
        scale = {}
        for batch in (1, 3):
            x = torch.randn(batch, 3, size, size, generator=generator)
            with torch.no_grad():
                y = model(x)
            x.numpy().astype("<f4").tofile(f"{outdir}/{spec}-x{batch}.bin")
            y.numpy().astype("<f4").tofile(f"{outdir}/{spec}-y{batch}.bin")
            scale[batch] = float(y.abs().max())
        print(json.dumps({"model": name, "size": size, "max_abs_logit": scale}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
