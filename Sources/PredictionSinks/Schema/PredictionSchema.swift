/// The output schema, defined once: every sink, the staging codec, `predict --json`, the C ABI and
/// the Python package derive their columns from ``all``.
///
/// Adding a column is one stored property on ``PredictionRow`` and one line below (plus its tests).
/// Columns with an ``ExtraColumns`` tag are written only when a job asks for them.
///
/// | column | type | null when |
/// | --- | --- | --- |
/// | path | string | never |
/// | label, class_index, confidence | string, int32, float32 | the input failed |
/// | top_k_labels, top_k_indices, top_k_probs | list | the input failed |
/// | error | string | the input succeeded |
/// | true_label, true_index | string, int32 | its folder names no class (`--labels-from-dirs`) |
/// | logits, embedding | list<float32> | the input failed (`--emit logits`, `--emit embeddings`) |
public enum PredictionSchema {
    /// Every column, in file order.
    public static let all: [OutputColumn] = [
        .init("path", \.path, "the input's path or URL, as listed"),
        .init("label", \.label, "the top-1 class name"),
        .init("class_index", \.classIndex, "the top-1 class index"),
        .init("confidence", \.confidence, "the top-1 softmax probability"),
        .init("top_k_labels", \.topKLabels, "the k most likely class names, best first"),
        .init("top_k_indices", \.topKIndices, "their class indices"),
        .init("top_k_probs", \.topKProbs, "their softmax probabilities"),
        .init("error", \.error, "why the input has no prediction; null on success"),
        .init("true_label", \.trueLabel, "the class its parent folder names", when: .trueLabels),
        .init("true_index", \.trueIndex, "that class's index", when: .trueLabels),
        .init("logits", \.logits, "the raw logits", when: .logits),
        .init("embedding", \.embedding, "the pooled features before the classifier head", when: .embeddings),
    ]

    /// The columns a file with `extras` has, in file order.
    public static func columns(_ extras: ExtraColumns) -> [OutputColumn] {
        all.filter { $0.extra.map(extras.contains) ?? true }
    }

    /// The key-value metadata every output file's footer (or the Python table's schema) carries.
    public enum MetadataKey: String, Sendable, CaseIterable {
        case version = "batchvision.version"
        case model = "batchvision.model"
        case weights = "batchvision.weights"
        case weightsSHA256 = "batchvision.weights_sha256"
        case preprocessing = "batchvision.preprocessing"
        case precision = "batchvision.precision"
        /// The SHA-256 of the int8 calibration as `batchvision calibrate` writes it (empty unless int8).
        case calibrationSHA256 = "batchvision.calibration_sha256"
        case labels = "batchvision.labels"
        case labelsSHA256 = "batchvision.labels_sha256"
        case head = "batchvision.head"
    }
}

/// The optional column groups a job adds to the fixed ones.
public struct ExtraColumns: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `true_label`, `true_index` (`--labels-from-dirs`).
    public static let trueLabels = ExtraColumns(rawValue: 1)
    /// `logits` (`--emit logits`).
    public static let logits = ExtraColumns(rawValue: 2)
    /// `embedding` (`--emit embeddings`).
    public static let embeddings = ExtraColumns(rawValue: 4)
}
