"""Oracle: Pillow 9.4 `img.resize((w, h), Image.Resampling.BILINEAR)` (or `.BICUBIC`).

Usage: transforms_resize.py OUT_DIR < cases.json
cases.json: [{"name": str, "source": str, "width": int, "height": int, "filter": "bilinear" | "bicubic"}, ...]
("filter" may be left out: bilinear). Instead of "width" and "height", "shorter": int asks for the size
torchvision 0.14.1's `Resize(shorter)` gives the image.
Writes OUT_DIR/<name>.in.rgb (source pixels) and OUT_DIR/<name>.out.rgb (Pillow's resize), and prints
[{"name", "source_width", "source_height"}, ...] as JSON on stdout.
"""
import json
import os
import sys

from PIL import Image
from torchvision.transforms.functional import _compute_resized_output_size

from transforms_images import source_image, write_rgb

FILTERS = {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC}


def main():
    out_dir = sys.argv[1]
    cases = json.load(sys.stdin)
    sizes = []
    for case in cases:
        image = source_image(case["source"])
        write_rgb(image, os.path.join(out_dir, case["name"] + ".in.rgb"))
        if "shorter" in case:
            height, width = _compute_resized_output_size((image.height, image.width), [case["shorter"]])
        else:
            width, height = case["width"], case["height"]
        resized = image.resize((width, height), FILTERS[case.get("filter", "bilinear")])
        write_rgb(resized, os.path.join(out_dir, case["name"] + ".out.rgb"))
        sizes.append({"name": case["name"], "source_width": image.width, "source_height": image.height})
    json.dump(sizes, sys.stdout)


if __name__ == "__main__":
    main()
