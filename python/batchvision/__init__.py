"""BatchVision from Python: the Swift engine through its C ABI, shaped for Ray Data.

    import ray
    from batchvision import BatchVisionPredictor

    ds = ray.data.read_binary_files("photos/", include_paths=True)
    ds = ds.map_batches(BatchVisionPredictor, fn_constructor_kwargs=dict(model="resnet152"),
                        compute=ray.data.ActorPoolStrategy(size=1), batch_size=64)
    ds.write_parquet("predictions/")        # the same columns as `batchvision classify`
"""
from ._library import abi_version, library_path, version
from .classifier import Classifier, ClassifierError
from .predictor import BatchVisionPredictor
from .schema import IMAGE_EXTENSIONS, prediction_schema

__all__ = [
    "BatchVisionPredictor",
    "Classifier",
    "ClassifierError",
    "IMAGE_EXTENSIONS",
    "abi_version",
    "library_path",
    "prediction_schema",
    "version",
]
