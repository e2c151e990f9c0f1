"""Oracle: Pillow 9.4 `img.resize((w, h), Image.BILINEAR)`.

Usage: transforms_resize.py OUT_DIR < cases.json
cases.json: [{"name": str, "source": str, "width": int, "height": int}, ...]
Writes OUT_DIR/<name>.in.rgb (source pixels) and OUT_DIR/<name>.out.rgb (Pillow's resize), and prints
[{"name", "source_width", "source_height"}, ...] as JSON on stdout.
"""
import json
import os
import sys

from PIL import Image

from transforms_images import source_image, write_rgb


def main():
    out_dir = sys.argv[1]
    cases = json.load(sys.stdin)
    sizes = []
    for case in cases:
        image = source_image(case["source"])
        write_rgb(image, os.path.join(out_dir, case["name"] + ".in.rgb"))
        resized = image.resize((case["width"], case["height"]), Image.BILINEAR)
        write_rgb(resized, os.path.join(out_dir, case["name"] + ".out.rgb"))
        sizes.append({"name": case["name"], "source_width": image.width, "source_height": image.height})
    json.dump(sizes, sys.stdout)


if __name__ == "__main__":
    main()
