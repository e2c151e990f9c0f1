"""Shared helpers for the transforms oracles: build the source images both sides use.

A source is "photo:<path>" (decoded by Pillow and converted to RGB, as torchvision users do) or
"random:<width>:<height>:<seed>" (seeded noise over a gradient, so both smooth and extreme
neighbourhoods occur) or "checker:<width>:<height>" (black and white pixels alternating, where
bicubic's negative lobes overshoot 0 and 255 the most, so its clipping is exercised everywhere).
"""
import numpy as np
from PIL import Image


def source_image(source):
    kind, _, rest = source.partition(":")
    if kind == "photo":
        with Image.open(rest) as im:
            return im.convert("RGB")
    if kind == "random":
        width, height, seed = (int(v) for v in rest.split(":"))
        rng = np.random.default_rng(seed)
        noise = rng.integers(0, 256, size=(height, width, 3), dtype=np.int64)
        ramp = (np.arange(width)[None, :, None] * 255 // max(width - 1, 1)) + np.zeros((height, 1, 3), dtype=np.int64)
        mix = np.where(rng.random((height, width, 1)) < 0.5, noise, ramp)
        return Image.fromarray(mix.astype(np.uint8), "RGB")
    if kind == "checker":
        width, height = (int(v) for v in rest.split(":"))
        parity = (np.arange(width)[None, :] + np.arange(height)[:, None]) % 2
        return Image.fromarray(np.repeat((parity * 255).astype(np.uint8)[:, :, None], 3, axis=2), "RGB")
    raise ValueError(f"unknown source {source!r}")


def write_rgb(image, path):
    """Raw RGB8 bytes, rows top to bottom (what TensorCore.RGBImage holds)."""
    with open(path, "wb") as f:
        f.write(np.asarray(image, dtype=np.uint8).tobytes())
