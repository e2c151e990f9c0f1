"""Oracle: torchvision 0.14.1's resized size for `resize(img, [size])` (shorter side to size).

Usage: transforms_output_size.py < [[width, height, size], ...]   prints [[new_width, new_height], ...]
"""
import json
import sys

from torchvision.transforms.functional import _compute_resized_output_size


def main():
    answers = []
    for width, height, size in json.load(sys.stdin):
        new_h, new_w = _compute_resized_output_size((height, width), [size])
        answers.append([new_w, new_h])
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
