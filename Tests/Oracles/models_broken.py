"""Writes a torchvision ResNet-18 state_dict with one key missing, one unexpected and one of the wrong shape.

Usage: models_broken.py OUT.pth
The loader must report all three in one error (ImageNetModels' StateDictWeights.finish()).
"""
import sys

import torch
import torchvision

sd = torchvision.models.resnet18(weights=None).state_dict()
del sd["layer2.0.bn1.running_var"]
sd["layer9.weight"] = torch.zeros(3)
sd["fc.weight"] = torch.zeros(10, 512)
torch.save(sd, sys.argv[1])
