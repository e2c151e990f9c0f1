import BatchPipeline

/// Running the model on a batch of preprocessed slots and turning its outputs into rows.
///
/// Shared by ``ImageStream`` (files, S3) and the in-memory entry points (C ABI, Ray).
extension Classifier {
    /// A batch's logits `[batchSize, classes]` and features `[batchSize, F]`, reused from batch to batch.
    struct Outputs {
        var logits: [Float]
        var features: [Float]

        init(_ classifier: Classifier) {
            logits = [Float](repeating: 0, count: classifier.batchSize * classifier.classCount)
            features = [Float](repeating: 0, count: classifier.batchSize * classifier.featureCount)
        }
    }

    /// Runs the model on a batch's good slots (packed to the front) and returns one row per item.
    ///
    /// `padded` runs every batch at the full batch size, zero-padded: oneDNN picks kernels per batch
    /// size, so only then are an image's probabilities the same to the last bit whatever shared its
    /// batch (a shard's or a resumed run's last batch, a batch with failed inputs), as a job's rows
    /// must be. Unpadded, a short batch runs in power-of-two chunks instead, for callers such as Ray
    /// whose batches are often short (a 40-file block arrives as 32 + 8): no compute is wasted on
    /// padding, and results agree with the padded ones to float rounding.
    func rows(
        _ batch: BatchScheduler.Batch, topK: Int, includeLogits: Bool, padded: Bool = true, outputs: inout Outputs,
        name: (Int) -> String
    ) throws -> [PredictionRow] {
        let good = batch.errors.indices.filter { batch.errors[$0] == nil }
        let count = good.isEmpty ? 0 : padded ? batchSize : good.count
        pack(batch.buffer, slots: good, zeroingUpTo: count)
        var done = 0
        while done < count {
            // The largest power of two that fits: at most log2(batchSize) + 1 plan sizes ever exist.
            let remaining = count - done
            let size = remaining >= batchSize ? batchSize : 1 << (Int.bitWidth - 1 - remaining.leadingZeroBitCount)
            try run(batch.buffer, slots: done..<done + size, outputs: &outputs)
            done += size
        }
        var rows: [PredictionRow] = []
        var slot = 0
        for (k, item) in batch.items.enumerated() {
            if let error = batch.errors[k] {
                rows.append(.failure(path: name(item), error: error))
                continue
            }
            rows.append(row(path: name(item), slot: slot, outputs: outputs, topK: topK, includeLogits: includeLogits))
            slot += 1
        }
        return rows
    }

    // MARK: - Steps

    /// Moves the good slots to the front of the buffer and zeroes the rest up to `count` slots.
    private func pack(_ buffer: UnsafeMutableBufferPointer<Float>, slots good: [Int], zeroingUpTo count: Int) {
        guard let base = buffer.baseAddress else { return }
        let n = imageElementCount
        for (slot, k) in good.enumerated() where slot != k {
            (base + slot * n).update(from: base + k * n, count: n)
        }
        if count > good.count { (base + good.count * n).update(repeating: 0, count: (count - good.count) * n) }
    }

    /// Runs slots `range` of `buffer` into the same rows of `outputs`.
    private func run(_ buffer: UnsafeMutableBufferPointer<Float>, slots range: Range<Int>, outputs: inout Outputs) throws {
        let (n, c, f) = (imageElementCount, classCount, featureCount)
        let input = UnsafeBufferPointer(rebasing: buffer[range.lowerBound * n..<range.upperBound * n])
        try outputs.logits.withUnsafeMutableBufferPointer { logits in
            try outputs.features.withUnsafeMutableBufferPointer { features in
                try run(
                    input, count: range.count,
                    logits: UnsafeMutableBufferPointer(rebasing: logits[hasHead ? range.lowerBound * c..<range.upperBound * c : 0..<0]),
                    features: UnsafeMutableBufferPointer(rebasing: features[range.lowerBound * f..<range.upperBound * f]))
            }
        }
    }

    private func row(path: String, slot: Int, outputs: Outputs, topK: Int, includeLogits: Bool) -> PredictionRow {
        let (c, f) = (classCount, featureCount)
        return outputs.logits.withUnsafeBufferPointer { logits in
            outputs.features.withUnsafeBufferPointer { features in
                row(
                    path: path, logits: hasHead ? UnsafeBufferPointer(rebasing: logits[slot * c..<(slot + 1) * c]) : nil,
                    features: f > 0 ? UnsafeBufferPointer(rebasing: features[slot * f..<(slot + 1) * f]) : nil, k: topK,
                    includeLogits: includeLogits)
            }
        }
    }
}
