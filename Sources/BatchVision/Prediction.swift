import Foundation

/// What the classifier says about one image, or why it could not say anything.
public struct Prediction: Sendable, Equatable {
    /// One of the k most likely classes.
    public struct Candidate: Sendable, Equatable {
        public let label: String
        public let classIndex: Int
        public let probability: Float
    }

    public let path: String
    /// The most likely classes, most likely first; empty when `error` is set.
    public let topK: [Candidate]
    /// The raw logits, when asked for.
    public let logits: [Float]?
    /// Why this input has no prediction (unreadable, undecodable, ...); nil on success.
    public let error: String?

    public var label: String? { topK.first?.label }
    public var classIndex: Int? { topK.first?.classIndex }
    public var confidence: Float? { topK.first?.probability }

    public static func failure(_ path: String, _ error: String) -> Prediction {
        Prediction(path: path, topK: [], logits: nil, error: error)
    }
}

/// Softmax over `logits` (in float32 as PyTorch does, shifted by the max for stability) and the `k` best.
func topK(_ logits: UnsafeBufferPointer<Float>, k: Int, labels: [String]) -> [Prediction.Candidate] {
    let peak = logits.max() ?? 0
    var sum: Float = 0
    for value in logits { sum += expf(value - peak) }
    let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
    return order.prefix(k).map { i in
        Prediction.Candidate(label: i < labels.count ? labels[i] : "class \(i)", classIndex: i, probability: expf(logits[i] - peak) / sum)
    }
}
