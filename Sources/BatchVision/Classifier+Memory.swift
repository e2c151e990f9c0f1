import BatchPipeline
import Foundation

/// Classifying images that are already in memory: the C ABI's (and so Ray's) entry point.
///
/// ```
///  image(i) on `workers` threads ─► preprocess into a batch slot ─► model, batchSize at a time ─► [Prediction]
/// ```
/// The same ``BatchScheduler`` as ``ClassificationJob`` decodes and preprocesses on worker threads
/// while the model runs the previous chunk; only the source differs (a closure, not a fetcher),
/// because a caller holding decoded pixels has nothing to fetch or decode.
extension Classifier {
    /// Classifies `count` in-memory images, in order, one ``Prediction`` each.
    ///
    /// - Parameters:
    ///   - count: how many images.
    ///   - names: the `path` of each prediction (`names[i]`, or `"\(i)"` when short).
    ///   - topK: classes per prediction.
    ///   - includeLogits: keep the raw logits in each prediction.
    ///   - workers: threads that run `image` and preprocessing.
    ///   - image: the `i`-th image, decoded; called from worker threads. A throw becomes that
    ///     image's error row (its description, as the CLI writes it), and the batch goes on.
    /// - Returns: one prediction per image, in order.
    /// - Throws: only when the model itself fails.
    public func classify(
        count: Int, names: [String] = [], topK: Int, includeLogits: Bool = false, workers: Int,
        image: @escaping @Sendable (Int) throws -> RGBImage
    ) throws -> [Prediction] {
        let scheduler = BatchScheduler(
            itemCount: count, batchSize: batchSize, elementCount: imageElementCount, workers: max(1, min(workers, count)),
            bufferCount: 3)
        let preprocessor = self.preprocessor
        var logits = [Float](repeating: 0, count: batchSize * classCount)
        var rows: [Prediction] = []
        rows.reserveCapacity(count)
        try scheduler.run(
            fill: { item, slot in
                do {
                    preprocessor.run(try image(item), into: slot)
                    return nil
                } catch {
                    return "\(error)"
                }
            },
            consume: { batch in
                try logits.withUnsafeMutableBufferPointer { out in
                    rows += try predictions(batch, topK: topK, includeLogits: includeLogits, padded: false, logits: out) { item in
                        item < names.count ? names[item] : "\(item)"
                    }
                }
            })
        return rows
    }

    /// Classifies encoded images (JPEG, PNG, WebP bytes), decoding them on the worker threads.
    ///
    /// - Parameter bytes: the `i`-th image's encoded bytes; called from worker threads.
    /// - Returns: one prediction per image, in order; undecodable images have `error` set.
    public func classify(
        count: Int, names: [String] = [], topK: Int, includeLogits: Bool = false, workers: Int,
        decoder: ImageDecoder, bytes: @escaping @Sendable (Int) throws -> UnsafeRawBufferPointer
    ) throws -> [Prediction] {
        try classify(count: count, names: names, topK: topK, includeLogits: includeLogits, workers: workers) { i in
            try decoder.decode(try bytes(i))
        }
    }

    /// Runs the model on a batch's good slots (packed to the front) and turns logits into predictions.
    ///
    /// Shared by ``ClassificationJob`` (files, S3) and the in-memory entry points above. `padded`
    /// runs every batch at the full batch size, zero-padded: oneDNN picks kernels per batch size, so
    /// only then are an image's probabilities the same to the last bit whatever shared its batch (a
    /// shard's or a resumed run's last batch, a batch with failed inputs), as a job's rows must be.
    /// Unpadded, a short batch runs in power-of-two chunks instead, for callers such as Ray whose
    /// batches are often short (a 40-file block arrives as 32 + 8): no compute is wasted on padding,
    /// and results agree with the padded ones to float rounding.
    func predictions(
        _ batch: BatchScheduler.Batch, topK: Int, includeLogits: Bool, padded: Bool = true,
        logits: UnsafeMutableBufferPointer<Float>, name: (Int) -> String
    ) throws -> [Prediction] {
        let n = imageElementCount
        let classes = classCount
        let good = batch.errors.indices.filter { batch.errors[$0] == nil }
        if let base = batch.buffer.baseAddress {
            for (slot, k) in good.enumerated() where slot != k {
                (base + slot * n).update(from: base + k * n, count: n)
            }
        }
        if !good.isEmpty && padded {
            if let base = batch.buffer.baseAddress, good.count < batchSize {
                (base + good.count * n).update(repeating: 0, count: (batchSize - good.count) * n)
            }
            try self.logits(
                UnsafeBufferPointer(rebasing: batch.buffer[0..<batchSize * n]), count: batchSize,
                into: UnsafeMutableBufferPointer(rebasing: logits[0..<batchSize * classes]))
        } else if !good.isEmpty {
            var done = 0
            while done < good.count {
                let remaining = good.count - done
                // The largest power of two that fits: at most log2(batchSize) + 1 plan sizes ever exist.
                let size = remaining >= batchSize ? batchSize : 1 << (Int.bitWidth - 1 - remaining.leadingZeroBitCount)
                try self.logits(
                    UnsafeBufferPointer(rebasing: batch.buffer[done * n..<(done + size) * n]), count: size,
                    into: UnsafeMutableBufferPointer(rebasing: logits[done * classes..<(done + size) * classes]))
                done += size
            }
        }
        var rows: [Prediction] = []
        var slot = 0
        for (k, item) in batch.items.enumerated() {
            if let error = batch.errors[k] {
                rows.append(.failure(name(item), error))
                continue
            }
            let row = UnsafeBufferPointer(rebasing: logits[slot * classes..<(slot + 1) * classes])
            rows.append(Prediction(
                path: name(item), topK: candidates(row, k: topK), logits: includeLogits ? Array(row) : nil, error: nil))
            slot += 1
        }
        return rows
    }
}
