"""Finding and loading libBatchVisionC.so, with the ctypes signatures of include/batchvision.h."""
import ctypes
import os
from pathlib import Path

LIBRARY = "libBatchVisionC.so"
ABI_VERSION = 3  # BATCHVISION_ABI_VERSION in batchvision.h

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parent.parent  # python/batchvision -> the repo, when run from a checkout


def _candidates():
    """Where the library may be, most specific first."""
    if os.environ.get("BATCHVISION_LIBRARY"):
        yield Path(os.environ["BATCHVISION_LIBRARY"])
    if os.environ.get("BATCHVISION_BUILD_DIR"):
        yield Path(os.environ["BATCHVISION_BUILD_DIR"]) / LIBRARY
    yield _HERE / "lib" / LIBRARY  # installed by `pip install ./python`
    yield _REPO / ".build-capi" / "release" / LIBRARY  # scripts/build-capi
    yield _REPO / ".build" / "release" / LIBRARY  # a plain `swift build -c release`


def library_path():
    """The library this process loads (or would load)."""
    tried = []
    for path in _candidates():
        if path.is_file():
            return path
        tried.append(str(path))
    raise OSError(
        f"{LIBRARY} not found (tried {', '.join(tried)}). "
        "HINT: run scripts/build-capi, or set BATCHVISION_LIBRARY to the library's path"
    )


_C_STRINGS = ctypes.POINTER(ctypes.c_char_p)
_SIGNATURES = {
    "bv_version": ([], ctypes.c_char_p),
    "bv_abi_version": ([], ctypes.c_int),
    "bv_last_error": ([], ctypes.c_char_p),
    "bv_classifier_create": (
        [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
         ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float), ctypes.c_int,
         ctypes.c_char_p, ctypes.c_char_p],
        ctypes.c_void_p,
    ),
    "bv_classifier_feature_count": ([ctypes.c_void_p], ctypes.c_int),
    "bv_output_schema": ([ctypes.c_int], ctypes.c_char_p),
    "bv_classifier_destroy": ([ctypes.c_void_p], None),
    "bv_classifier_class_count": ([ctypes.c_void_p], ctypes.c_int),
    "bv_classify_encoded": (
        [ctypes.c_void_p, _C_STRINGS, ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t, ctypes.c_int, ctypes.c_int],
        ctypes.c_void_p,
    ),
    "bv_classify_decoded": (
        [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int32),
         ctypes.POINTER(ctypes.c_int32), ctypes.c_size_t, ctypes.c_int, ctypes.c_int],
        ctypes.c_void_p,
    ),
    "bv_results_count": ([ctypes.c_void_p], ctypes.c_size_t),
    "bv_results_top_k": ([ctypes.c_void_p], ctypes.c_int),
    "bv_results_indices": ([ctypes.c_void_p], ctypes.POINTER(ctypes.c_int32)),
    "bv_results_probabilities": ([ctypes.c_void_p], ctypes.POINTER(ctypes.c_float)),
    "bv_results_labels": ([ctypes.c_void_p], _C_STRINGS),
    "bv_results_errors": ([ctypes.c_void_p], _C_STRINGS),
    "bv_results_logits": ([ctypes.c_void_p], ctypes.POINTER(ctypes.c_float)),
    "bv_results_embeddings": ([ctypes.c_void_p], ctypes.POINTER(ctypes.c_float)),
    "bv_results_free": ([ctypes.c_void_p], None),
}

_lib = None


def load():
    """The loaded library with typed functions; loaded once per process."""
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(str(library_path()))
        for name, (argtypes, restype) in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = argtypes, restype
        if lib.bv_abi_version() != ABI_VERSION:
            raise OSError(f"{library_path()} has ABI version {lib.bv_abi_version()}, this package needs {ABI_VERSION}")
        _lib = lib
    return _lib


def version():
    """The engine's version string."""
    return load().bv_version().decode()


def abi_version():
    return load().bv_abi_version()


def last_error():
    message = load().bv_last_error()
    return message.decode(errors="replace") if message else "unknown error"
