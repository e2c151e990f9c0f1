"""PyTorch oracle for embeddings and labelled-folder accuracy: features before the head, logits, top-1/top-5.

Usage: models_features.py MODEL OUTDIR [--port PORT_DIR --weights WEIGHTS] < image paths, one per line
MODEL is `resnet50` (torchvision, random init seeded 0 with randomised batch norms, saved by torch to
OUTDIR/resnet50.pth for the engine to load), `resnet18` (torchvision's, loading WEIGHTS: a state_dict or a
training script's {"model": ...} with DataParallel's "module." prefix; its head's size from the file),
`efficientnet_b0:CLASSES` (torchvision's with a head of CLASSES, random init as models_zoo.py does, saved as a
fine-tuning script's {"state_dict": ...} to OUTDIR/efficientnet_b0-CLASSES.pth) or `efficientnet_lite0` (the
efficientnet-lite-pytorch port at PORT_DIR with its real WEIGHTS).
Each image is preprocessed as torchvision's ImageClassification preset does for the model (Resize 256 — bicubic
for EfficientNet-B0 —, CenterCrop 224, ToTensor, Normalize with the model's mean/std). Writes, little-endian
float32 row-major:
  OUTDIR/features.bin   (images, F)     `model.fc = Identity()` (ResNet) / `model._fc = Identity()` output
  OUTDIR/logits.bin     (images, 1000)  the full model's logits
and prints JSON: {"features": F, "top1": [class per image], "top5": [[5 classes] per image]}.
"""
import argparse
import json
import sys

import torch
from PIL import Image
from torchvision import transforms

torch.set_num_threads(2)


def resnet50(outdir):
    import torchvision
    from models_resnet import randomize_batch_norms

    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = torchvision.models.resnet50()
    randomize_batch_norms(model, generator)
    model.eval()
    torch.save(model.state_dict(), f"{outdir}/resnet50.pth")
    head = model.fc
    model.fc = torch.nn.Identity()
    return model, head, ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def resnet18(weights):
    import torchvision

    state = torch.load(weights, map_location="cpu")
    state = state.get("model", state)
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    model = torchvision.models.resnet18(num_classes=state["fc.weight"].shape[0])
    model.load_state_dict(state)
    model.eval()
    head = model.fc
    model.fc = torch.nn.Identity()
    return model, head, ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def efficientnet_b0(outdir, classes):
    from models_zoo import build

    model, _ = build("efficientnet_b0", 37, classes=classes)
    torch.save({"state_dict": model.state_dict()}, f"{outdir}/efficientnet_b0-{classes}.pth")
    head = model.classifier[1]
    model.classifier[1] = torch.nn.Identity()
    return model, head, ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def lite0(port, weights):
    sys.path.insert(0, port)
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(weights, map_location="cpu"), strict=True)
    model.eval()
    head = model._fc
    model._fc = torch.nn.Identity()
    return model, head, ([127 / 255] * 3, [128 / 255] * 3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("outdir")
    parser.add_argument("--port")
    parser.add_argument("--weights")
    args = parser.parse_args()
    if args.model == "resnet50":
        body, head, (mean, std) = resnet50(args.outdir)
    elif args.model == "resnet18":
        body, head, (mean, std) = resnet18(args.weights)
    elif args.model.startswith("efficientnet_b0:"):
        body, head, (mean, std) = efficientnet_b0(args.outdir, int(args.model.split(":")[1]))
    else:
        body, head, (mean, std) = lite0(args.port, args.weights)
    bicubic = args.model.startswith("efficientnet_b0")
    resize = transforms.Resize(256, transforms.InterpolationMode.BICUBIC if bicubic else transforms.InterpolationMode.BILINEAR)
    preset = transforms.Compose([resize, transforms.CenterCrop(224), transforms.ToTensor(), transforms.Normalize(mean, std)])
    paths = [line.strip() for line in sys.stdin if line.strip()]
    features, logits = [], []
    for start in range(0, len(paths), 16):
        batch = torch.stack([preset(Image.open(p).convert("RGB")) for p in paths[start:start + 16]])
        with torch.no_grad():
            f = body(batch)
            features.append(f)
            logits.append(head(f))
    features, logits = torch.cat(features), torch.cat(logits)
    features.numpy().astype("<f4").tofile(f"{args.outdir}/features.bin")
    logits.numpy().astype("<f4").tofile(f"{args.outdir}/logits.bin")
    top5 = logits.topk(min(5, logits.shape[1]), dim=1).indices
    print(json.dumps({"features": features.shape[1], "top1": logits.argmax(1).tolist(), "top5": top5.tolist()}))


if __name__ == "__main__":
    main()
