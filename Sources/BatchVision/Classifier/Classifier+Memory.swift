import BatchPipeline
import Foundation

/// Classifying images that are already in memory: the C ABI's (and so Ray's) entry point.
///
/// ```
///  image(i) on `workers` threads ─► preprocess into a batch slot ─► model, batchSize at a time ─► [PredictionRow]
/// ```
/// The same ``BatchScheduler`` as ``ImageStream`` decodes and preprocesses on worker threads
/// while the model runs the previous chunk; only the source differs (a closure, not a fetcher),
/// because a caller holding decoded pixels has nothing to fetch or decode.
extension Classifier {
    /// Classifies `count` in-memory images, in order, one row each.
    ///
    /// - Parameters:
    ///   - count: how many images.
    ///   - names: the `path` of each row (`names[i]`, or `"\(i)"` when short).
    ///   - topK: classes per row.
    ///   - includeLogits: keep the raw logits in each row.
    ///   - workers: threads that run `image` and preprocessing.
    ///   - image: the `i`-th image, decoded; called from worker threads. A throw becomes that
    ///     image's error row (its description, as the CLI writes it), and the batch goes on.
    /// - Returns: one row per image, in order (with embeddings when the classifier computes them).
    /// - Throws: only when the model itself fails.
    public func classify(
        count: Int, names: [String] = [], topK: Int, includeLogits: Bool = false, workers: Int,
        image: @escaping @Sendable (Int) throws -> RGBImage
    ) throws -> [PredictionRow] {
        let scheduler = BatchScheduler(
            itemCount: count, batchSize: batchSize, elementCount: imageElementCount, workers: max(1, min(workers, count)),
            bufferCount: 3)
        let preprocessor = self.preprocessor
        var outputs = Outputs(self)
        var rows: [PredictionRow] = []
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
                rows += try self.rows(batch, topK: topK, includeLogits: includeLogits, padded: false, outputs: &outputs) {
                    $0 < names.count ? names[$0] : "\($0)"
                }
            })
        return rows
    }

    /// Classifies encoded images (any format ``ImageDecoder`` reads), decoding them on the worker threads.
    ///
    /// - Parameter bytes: the `i`-th image's encoded bytes; called from worker threads.
    /// - Returns: one row per image, in order; undecodable images have `error` set.
    public func classify(
        count: Int, names: [String] = [], topK: Int, includeLogits: Bool = false, workers: Int,
        decoder: ImageDecoder, bytes: @escaping @Sendable (Int) throws -> UnsafeRawBufferPointer
    ) throws -> [PredictionRow] {
        try classify(count: count, names: names, topK: topK, includeLogits: includeLogits, workers: workers) { i in
            try decoder.decode(try bytes(i))
        }
    }
}
