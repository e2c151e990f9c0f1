// BatchVision: the public API the `batchvision` CLI is a thin layer over.
// Module map and data flow: Documentation.docc/BatchVision.md and ../shared/DESIGN.md.
@_exported import ImageDecoding
@_exported import ImageNetModels
@_exported import ImageTransforms
@_exported import PredictionSinks
@_exported import TensorCore

/// The version printed by `batchvision --version` and written into output metadata.
public let batchVisionVersion = "0.1.0"
