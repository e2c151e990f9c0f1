"""PyTorch's logits for image files, EfficientNet-Lite0 (the port, real weights), for `batchvision predict` checks.

Usage: models_predict_lite0.py PORT_DIR WEIGHTS IMAGE...
Pillow decodes; torchvision applies Resize(256), CenterCrop(224), ToTensor(), Normalize(127/255, 128/255).
Prints JSON {path: [1000 logits]}.
"""
import json
import sys

import torch
from PIL import Image
from torchvision.transforms._presets import ImageClassification

from models_lite0 import load_model

port, weights, images = sys.argv[1], sys.argv[2], sys.argv[3:]
model = load_model(port, weights)
tf = ImageClassification(crop_size=224, resize_size=256, mean=[127 / 255] * 3, std=[128 / 255] * 3)
with torch.inference_mode():
    batch = torch.stack([tf(Image.open(p).convert("RGB")) for p in images])
    logits = model(batch)
print(json.dumps({p: row.tolist() for p, row in zip(images, logits)}))
