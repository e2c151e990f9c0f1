import Foundation

extension Classifier {
    /// One image's row from its logits (or nil without a head) and features: softmax, then the `k` best.
    func row(
        path: String, logits: UnsafeBufferPointer<Float>?, features: UnsafeBufferPointer<Float>?, k: Int,
        includeLogits: Bool
    ) -> PredictionRow {
        var row = PredictionRow(path: path)
        if let logits {
            let best = Self.topK(logits, k: min(max(k, 1), logits.count))
            row.topKIndices = best.map { Int32($0.index) }
            row.topKLabels = best.map { labels[$0.index] }
            row.topKProbs = best.map(\.probability)
            row.label = row.topKLabels?.first
            row.classIndex = row.topKIndices?.first
            row.confidence = row.topKProbs?.first
            if includeLogits { row.logits = Array(logits) }
        }
        row.embedding = features.map(Array.init)
        return row
    }

    /// Softmax over `logits` (in float32 as PyTorch does, shifted by the max for stability) and the `k`
    /// most likely classes, ties broken by the lower index.
    static func topK(_ logits: UnsafeBufferPointer<Float>, k: Int) -> [(index: Int, probability: Float)] {
        let peak = logits.max() ?? 0
        var sum: Float = 0
        for value in logits { sum += expf(value - peak) }
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        return order.prefix(k).map { ($0, expf(logits[$0] - peak) / sum) }
    }
}
