"""PyTorch oracle for EfficientNet-Lite0 as the efficientnet-lite-pytorch 0.1.0 port runs it, real weights.

Usage: models_lite0.py PORT_DIR WEIGHTS OUTDIR [IMAGES_DIR]
PORT_DIR holds the `efficientnet_lite_pytorch` package (the port's source, from its wheel or sdist).
Writes into OUTDIR (little-endian float32, row-major):
  lite0-x1.bin, lite0-y1.bin, lite0-x3.bin, lite0-y3.bin   random inputs and PyTorch's logits at batch 1 and 3
With IMAGES_DIR (the imagenet-samples folder with labels.csv), also:
  photos-logits.bin   (150, 1000) logits, rows in labels.csv order, of the torchvision-preprocessed photos:
                      Resize(256), CenterCrop(224), ToTensor(), Normalize(mean 127/255, std 128/255),
                      which is the TensorFlow Lite model's (x - 127) / 128 on 0-255 pixels
and prints JSON: top-1 accuracy with that preprocessing and, for comparison, with ImageNet's mean/std.
"""
import csv
import json
import sys

import torch

torch.set_num_threads(2)


def load_model(port_dir, weights):
    sys.path.insert(0, port_dir)
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(weights, map_location="cpu"), strict=True)
    return model.eval()


def photos(model, folder, outdir):
    from PIL import Image
    from torchvision import transforms

    def pipeline(mean, std):
        return transforms.Compose([
            transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), transforms.Normalize(mean, std)])

    presets = {
        "tflite": pipeline([127 / 255] * 3, [128 / 255] * 3),
        "imagenet": pipeline([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    }
    rows = list(csv.DictReader(open(f"{folder}/labels.csv")))
    images = [Image.open(f"{folder}/{row['file']}").convert("RGB") for row in rows]
    labels = torch.tensor([int(row["class_index"]) for row in rows])
    accuracy = {}
    for name, preset in presets.items():
        logits = []
        for start in range(0, len(images), 25):
            batch = torch.stack([preset(image) for image in images[start:start + 25]])
            with torch.no_grad():
                logits.append(model(batch))
        logits = torch.cat(logits)
        accuracy[name] = float((logits.argmax(1) == labels).float().mean())
        if name == "tflite":
            logits.numpy().astype("<f4").tofile(f"{outdir}/photos-logits.bin")
    return {"photos": len(rows), "top1": accuracy}


def main(port_dir, weights, outdir, images=None):
    model = load_model(port_dir, weights)
    generator = torch.Generator().manual_seed(0)
    report = {}
    for batch in (1, 3):
        x = torch.randn(batch, 3, 224, 224, generator=generator)
        with torch.no_grad():
            y = model(x)
        x.numpy().astype("<f4").tofile(f"{outdir}/lite0-x{batch}.bin")
        y.numpy().astype("<f4").tofile(f"{outdir}/lite0-y{batch}.bin")
        report[f"max_abs_logit_{batch}"] = float(y.abs().max())
    if images:
        report.update(photos(model, images, outdir))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
