"""A BatchVision classifier in this process: the Swift engine behind include/batchvision.h."""
import ctypes
import os
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from . import _library


class ClassifierError(RuntimeError):
    """The engine refused a call (unknown model, missing weights, bad option, the model failing)."""


@dataclass
class Predictions:
    """One batch's results, image-major: row i belongs to input i."""

    indices: np.ndarray  # (n, k) int32, -1 where the image failed
    probabilities: np.ndarray  # (n, k) float32, NaN where the image failed
    labels: List[Optional[List[str]]]  # n lists of k names; None where the image failed
    errors: List[Optional[str]]  # n messages; None where the image succeeded
    logits: Optional[np.ndarray]  # (n, classes) float32 when asked for
    embeddings: Optional[np.ndarray] = None  # (n, features) float32 when the classifier computes them

    @staticmethod
    def empty(k, classes, include_logits, features=0):
        return Predictions(
            np.zeros((0, k), np.int32), np.zeros((0, k), np.float32), [], [],
            np.zeros((0, classes), np.float32) if include_logits else None,
            np.zeros((0, features), np.float32) if features else None,
        )


class Classifier:
    """Loads a model once; classifies batches of encoded bytes or decoded RGB arrays.

    Arguments mirror `batchvision classify`: model, weights (None: the usual resolution),
    random_weights (the CLI's --random-weights seed), threads (model and decode workers; None: all
    cores), precision ("fp32"/"bf16"/"int8"), batch_size (images per model run), resize, crop, mean, std
    (None: the model's preprocessing), embeddings (also return each image's pooled features, the
    input of the classifier head, as `--emit embeddings` writes them), labels (a list of class names,
    one per output of a fine-tuned head, as `--labels`), calibration (with "int8": the file
    `batchvision calibrate` wrote for these weights, as `--calibration`).
    """

    def __init__(self, model="resnet152", weights=None, random_weights=False, threads=None, precision="fp32",
                 batch_size=16, resize=None, crop=None, mean=None, std=None, embeddings=False, labels=None,
                 calibration=None):
        if labels is not None and any("\n" in str(label) for label in labels):
            raise ClassifierError("a label contains a newline")
        self._lib = _library.load()
        triple = ctypes.c_float * 3
        handle = self._lib.bv_classifier_create(
            model.encode(), os.fsencode(weights) if weights else None, int(bool(random_weights)), int(threads or 0),
            precision.encode() if precision else None, int(batch_size or 0), int(resize or 0), int(crop or 0),
            triple(*mean) if mean is not None else None, triple(*std) if std is not None else None,
            int(bool(embeddings)), "\n".join(map(str, labels)).encode() if labels is not None else None,
            os.fsencode(calibration) if calibration else None,
        )
        if not handle:
            raise ClassifierError(_library.last_error())
        self._handle = handle
        self.model = model
        self.class_count = self._lib.bv_classifier_class_count(handle)
        self.feature_count = self._lib.bv_classifier_feature_count(handle)

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.bv_classifier_destroy(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def classify_encoded(self, images, top_k=5, include_logits=False):
        """Classifies encoded files (JPEG/PNG/WebP bytes); undecodable ones get an error, not an exception."""
        blobs = [bytes(b) if not isinstance(b, bytes) else b for b in images]
        n = len(blobs)
        data = (ctypes.c_char_p * n)(*blobs)  # points into the bytes objects, no copy
        sizes = (ctypes.c_size_t * n)(*[len(b) for b in blobs])
        return self._collect(
            self._lib.bv_classify_encoded(self._handle, data, sizes, n, int(top_k), int(bool(include_logits))),
            include_logits)

    def classify_decoded(self, images, top_k=5, include_logits=False):
        """Classifies decoded images: each an (H, W, 3) uint8 RGB array (gray and RGBA are converted).

        An array that is not an image gets an error row, as an undecodable file does.
        """
        arrays, problems = [], {}
        for i, image in enumerate(images):
            try:
                arrays.append(as_rgb(image))
            except ValueError as e:
                problems[i] = str(e)
        good = arrays
        n = len(good)
        pixels = (ctypes.c_void_p * n)(*[a.ctypes.data for a in good])
        heights = (ctypes.c_int32 * n)(*[a.shape[0] for a in good])
        widths = (ctypes.c_int32 * n)(*[a.shape[1] for a in good])
        result = self._collect(
            self._lib.bv_classify_decoded(self._handle, pixels, heights, widths, n, int(top_k), int(bool(include_logits))),
            include_logits)
        return _with_failures(result, problems, len(images)) if problems else result

    def _collect(self, results, include_logits):
        """Copies a bv_results into numpy/Python values and frees it."""
        if not results:
            raise ClassifierError(_library.last_error())
        lib = self._lib
        try:
            n, k = lib.bv_results_count(results), lib.bv_results_top_k(results)
            if n == 0:
                return Predictions.empty(k, self.class_count, include_logits, self.feature_count)
            indices = np.ctypeslib.as_array(lib.bv_results_indices(results), (n, k)).copy()
            probabilities = np.ctypeslib.as_array(lib.bv_results_probabilities(results), (n, k)).copy()
            names, messages = lib.bv_results_labels(results), lib.bv_results_errors(results)
            errors = [m.decode(errors="replace") if m else None for m in messages[:n]]
            flat = names[: n * k]
            labels = [None if errors[i] is not None else [s.decode() for s in flat[i * k:(i + 1) * k]] for i in range(n)]
            logits = None
            if include_logits:
                logits = np.ctypeslib.as_array(lib.bv_results_logits(results), (n, self.class_count)).copy()
            embeddings = None
            if self.feature_count:
                embeddings = np.ctypeslib.as_array(lib.bv_results_embeddings(results), (n, self.feature_count)).copy()
            return Predictions(indices, probabilities, labels, errors, logits, embeddings)
        finally:
            lib.bv_results_free(results)


def as_rgb(image):
    """An (H, W, 3) C-contiguous uint8 array, converting as PIL's convert("RGB") does (gray: repeat; RGBA: drop alpha)."""
    if image is None:
        raise ValueError("no image (None)")
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise ValueError(f"image array has dtype {a.dtype}; expected uint8 RGB (H, W, 3)")
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    elif a.ndim == 3 and a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    elif a.ndim == 3 and a.shape[2] == 4:
        a = a[:, :, :3]
    if a.ndim != 3 or a.shape[2] != 3 or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"image array has shape {a.shape}; expected (H, W, 3) uint8 RGB")
    return np.ascontiguousarray(a)


def _with_failures(result, problems, n):
    """`result` (for the good inputs, in order) with error rows inserted at the indices in `problems`."""
    k = result.indices.shape[1]
    indices = np.full((n, k), -1, np.int32)
    probabilities = np.full((n, k), np.nan, np.float32)
    labels, errors = [None] * n, [None] * n
    logits = np.zeros((n, result.logits.shape[1]), np.float32) if result.logits is not None else None
    embeddings = np.zeros((n, result.embeddings.shape[1]), np.float32) if result.embeddings is not None else None
    good = [i for i in range(n) if i not in problems]
    for j, i in enumerate(good):
        indices[i], probabilities[i], labels[i], errors[i] = (
            result.indices[j], result.probabilities[j], result.labels[j], result.errors[j])
        if logits is not None:
            logits[i] = result.logits[j]
        if embeddings is not None:
            embeddings[i] = result.embeddings[j]
    for i, message in problems.items():
        errors[i] = message
    return Predictions(indices, probabilities, labels, errors, logits, embeddings)
