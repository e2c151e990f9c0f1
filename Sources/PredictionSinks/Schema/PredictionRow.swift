/// One output row: the prediction (or the error) for one input image.
///
/// This is the only row type: the classifier fills it, the committer stages it, every sink writes
/// it, `predict --json` prints it and the C ABI flattens it. Which fields become which columns is
/// said once, in ``PredictionSchema``. A failed input has `error` set and every prediction field
/// nil (the lists are nil, not empty), so readers see nulls.
public struct PredictionRow: Sendable, Equatable {
    /// The input's path or URL, as listed by the source.
    public var path: String
    /// The top-1 class name; nil when `error` is set.
    public var label: String?
    /// The top-1 class index.
    public var classIndex: Int32?
    /// The top-1 softmax probability.
    public var confidence: Float?
    /// The top-k class names, best first; nil (not empty) for failed rows.
    public var topKLabels: [String]?
    /// The top-k class indices, best first.
    public var topKIndices: [Int32]?
    /// The top-k softmax probabilities, best first.
    public var topKProbs: [Float]?
    /// Why the input failed; nil when the row succeeded.
    public var error: String?
    /// The class its folder names (`--labels-from-dirs`); nil when the folder matches no class.
    public var trueLabel: String?
    /// The index of ``trueLabel`` among the model's classes.
    public var trueIndex: Int32?
    /// The raw logits (`--emit logits`).
    public var logits: [Float]?
    /// The pooled features the classifier head reads (`--emit embeddings`).
    public var embedding: [Float]?

    /// Creates a row; every field but `path` defaults to nil.
    public init(
        path: String, label: String? = nil, classIndex: Int32? = nil, confidence: Float? = nil,
        topKLabels: [String]? = nil, topKIndices: [Int32]? = nil, topKProbs: [Float]? = nil,
        error: String? = nil, trueLabel: String? = nil, trueIndex: Int32? = nil, logits: [Float]? = nil,
        embedding: [Float]? = nil
    ) {
        self.path = path
        self.label = label
        self.classIndex = classIndex
        self.confidence = confidence
        self.topKLabels = topKLabels
        self.topKIndices = topKIndices
        self.topKProbs = topKProbs
        self.error = error
        self.trueLabel = trueLabel
        self.trueIndex = trueIndex
        self.logits = logits
        self.embedding = embedding
    }

    /// A row for an input that failed: only `path` and `error` are set.
    public static func failure(path: String, error: String) -> PredictionRow {
        PredictionRow(path: path, error: error)
    }

    /// Whether the input was classified.
    public var succeeded: Bool { error == nil }
}
