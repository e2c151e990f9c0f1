#!/usr/bin/python3
"""Pillow's RGB for a list of image files: the oracle for ImageDecoding's tests.

    decode_pillow_rgb.py OUTDIR [--exif-transpose] [--draft N] < paths (one per line)

For the i-th path (0-based) it runs, with Pillow's defaults (LOAD_TRUNCATED_IMAGES False,
default MAX_IMAGE_PIXELS):

    im = Image.open(path)
    im.draft("RGB", (N, N))              # only with --draft
    im = ImageOps.exif_transpose(im)     # only with --exif-transpose
    rgb = im.convert("RGB")

writes rgb.tobytes() to OUTDIR/<i>.rgb and prints "<i> ok <W> <H>", or "<i> error <message>".
"""

import argparse
import os
import sys
import warnings

from PIL import Image, ImageOps


def one(path, args):
    im = Image.open(path)
    if args.draft:
        im.draft("RGB", (args.draft, args.draft))
    if args.exif_transpose:
        im = ImageOps.exif_transpose(im)
    return im.convert("RGB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--exif-transpose", action="store_true")
    parser.add_argument("--draft", type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    for i, line in enumerate(sys.stdin.read().splitlines()):
        try:
            rgb = one(line, args)
        except Exception as e:  # noqa: BLE001 - every failure is an answer here
            print(i, "error", " ".join(f"{type(e).__name__}: {e}".split()))
            continue
        with open(os.path.join(args.outdir, f"{i}.rgb"), "wb") as f:
            f.write(rgb.tobytes())
        print(i, "ok", rgb.width, rgb.height)


if __name__ == "__main__":
    main()
