import Foundation
import InferenceGraph

/// The precision a classifier computes in (fp32, bf16 where the CPU has it, or int8 with a calibration).
public typealias Precision = InferenceGraph.Precision

/// The int8 scales of a model's layers, as `batchvision calibrate` writes them.
public typealias Calibration = InferenceGraph.Calibration

/// The precision each layer of a classifier really runs in.
public typealias LayerPrecisions = InferenceGraph.LayerPrecisions

/// Which weights a classifier loads.
public enum WeightsChoice: Sendable, Equatable {
    /// Resolved by ``WeightsResolver``: the given path, or the model's file in the usual places.
    case file(String?)
    /// Seeded random parameters (benchmarks, tests).
    case random(seed: UInt64)
}

/// Everything needed to build a ``Classifier``; the CLI's model options build it once.
public struct ClassifierConfiguration: Sendable {
    public var model: String = "resnet152"
    public var weights: WeightsChoice = .file(nil)
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var precision: Precision = .fp32
    /// The int8 scales (`--calibration`), made by ``Calibrator`` for these weights; needed for `.int8`.
    public var calibration: Calibration?
    public var batchSize: Int = 16
    /// The user's preprocessing choices, applied over the preset of the weights (see ``weightsPreset``).
    public var preset = PresetOverrides()
    /// Which published weights' preset applies (`v1`, `v2`, ...); nil: the one whose file name the weights
    /// file has, else the model's default (`IMAGENET1K_V1`).
    public var weightsPreset: String?
    /// The class names, one per output of the head (`--labels`); nil: ImageNet's names when the head has
    /// 1000 outputs, else `class_0`, `class_1`, ...
    public var labels: [String]?
    /// Also return each image's pooled features (the head's input): compiles the head apart.
    public var embeddings = false
    /// Run the classifier head (labels, probabilities); off only for embeddings alone (`--no-head`).
    public var head = true
    /// Use the slow, obvious reference backend (an oracle for tests), not oneDNN.
    public var referenceBackend = false

    public init() {}
}
