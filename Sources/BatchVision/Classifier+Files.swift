import Foundation

extension Classifier {
    /// Classifies image files in batches: decode and preprocess in parallel, then one model run per batch.
    ///
    /// Every path yields exactly one ``Prediction``, in input order; an input that cannot be read or
    /// decoded gets `error` set and the rest are still classified. This is the simple, non-streaming
    /// path used by `predict`; `classify` streams through ``Pipeline``.
    public func classify(
        _ paths: [String], decoder: ImageDecoder, topK k: Int = 5, includeLogits: Bool = false,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> [Prediction] {
        var predictions: [Prediction] = []
        predictions.reserveCapacity(paths.count)
        var input = [Float](repeating: 0, count: batchSize * imageElementCount)
        var output = [Float](repeating: 0, count: batchSize * classCount)
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            let chunk = Array(paths[start..<min(start + batchSize, paths.count)])
            let errors = input.withUnsafeMutableBufferPointer { preprocess(chunk, decoder: decoder, into: $0, workers: workers) }
            // Pack the images that decoded to the front so the model runs only on real ones.
            let good = chunk.indices.filter { errors[$0] == nil }
            for (slot, i) in good.enumerated() where slot != i {
                let n = imageElementCount
                input.withUnsafeMutableBufferPointer { p in
                    p.baseAddress!.advanced(by: slot * n).update(from: p.baseAddress!.advanced(by: i * n), count: n)
                }
            }
            if !good.isEmpty {
                try input.withUnsafeBufferPointer { x in
                    try output.withUnsafeMutableBufferPointer { y in
                        try logits(
                            UnsafeBufferPointer(rebasing: x[0..<good.count * imageElementCount]), count: good.count,
                            into: UnsafeMutableBufferPointer(rebasing: y[0..<good.count * classCount]))
                    }
                }
            }
            var slot = 0
            for (i, path) in chunk.enumerated() {
                if let error = errors[i] {
                    predictions.append(.failure(path, error))
                    continue
                }
                let row = Array(output[slot * classCount..<(slot + 1) * classCount])
                let best = row.withUnsafeBufferPointer { candidates($0, k: k) }
                predictions.append(Prediction(path: path, topK: best, logits: includeLogits ? row : nil, error: nil))
                slot += 1
            }
        }
        return predictions
    }

    /// Decodes and preprocesses `paths[i]` into slot `i` of `batch`; returns each failure's message.
    func preprocess(
        _ paths: [String], decoder: ImageDecoder, into batch: UnsafeMutableBufferPointer<Float>, workers: Int
    ) -> [String?] {
        nonisolated(unsafe) let slots = batch
        let preprocessor = self.preprocessor
        let n = imageElementCount
        return parallelMap(paths.count, workers: workers) { i in
            do {
                let image = try decoder.decode(contentsOf: URL(fileURLWithPath: paths[i]))
                preprocessor.run(image, into: UnsafeMutableBufferPointer(rebasing: slots[i * n..<(i + 1) * n]))
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
