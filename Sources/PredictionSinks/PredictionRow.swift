/// One output row: the prediction (or the error) for one input image.
///
/// Rows are plain values so that sinks never see models or tensors. A failed input has `error`
/// set and every prediction field nil (the lists are nil, not empty), so readers see nulls.
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
    /// The raw logits; written only when the sink's options include them.
    public var logits: [Float]?

    /// Creates a row; every field but `path` defaults to nil.
    public init(
        path: String, label: String? = nil, classIndex: Int32? = nil, confidence: Float? = nil,
        topKLabels: [String]? = nil, topKIndices: [Int32]? = nil, topKProbs: [Float]? = nil,
        error: String? = nil, logits: [Float]? = nil
    ) {
        self.path = path
        self.label = label
        self.classIndex = classIndex
        self.confidence = confidence
        self.topKLabels = topKLabels
        self.topKIndices = topKIndices
        self.topKProbs = topKProbs
        self.error = error
        self.logits = logits
    }

    /// A row for an input that failed: only `path` and `error` are set.
    public static func failure(path: String, error: String) -> PredictionRow {
        PredictionRow(path: path, error: error)
    }
}
