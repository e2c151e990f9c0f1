import BatchPipeline
import Foundation

/// Where a job's time went; the seconds of parallel stages are summed over their workers.
public struct StageTimes: Sendable {
    public var list = 0.0
    public var read = 0.0
    public var decodePreprocess = 0.0
    public var infer = 0.0
    public var write = 0.0
}

/// Streams inputs through fetch, decode, preprocess, the model and a row consumer, in input order.
///
/// ```
///  locations ─► [fetch ─► decode ─► preprocess] × decodeWorkers ─► batch buffers ─► model ─► rows, in order
/// ```
/// Every input yields exactly one ``Prediction``: a failure to read or decode becomes a row with
/// `error` set, and the job goes on. Memory is bounded by the batch-buffer pool, whatever the
/// number of inputs (see ``BatchScheduler``).
public final class ClassificationJob {
    public let locations: [String]
    public let classifier: Classifier
    public let decoder: ImageDecoder
    public let fetcher: any ByteFetcher
    public var topK = 5
    public var includeLogits = false
    public var decodeWorkers = 2
    /// Batch buffers in flight: one being inferred, the others being filled.
    public var bufferCount = 3
    /// Called on a decode worker with each decoded image (its index among this run's inputs), for
    /// previews such as the HTML report's thumbnails; the image is not kept after the call.
    public var onDecoded: (@Sendable (Int, RGBImage) -> Void)?

    public init(locations: [String], classifier: Classifier, decoder: ImageDecoder, fetcher: any ByteFetcher = LocalFileFetcher()) {
        self.locations = locations
        self.classifier = classifier
        self.decoder = decoder
        self.fetcher = fetcher
    }

    /// Runs the inputs from `start` on; `onRows` gets each batch's predictions in order, on the calling thread.
    ///
    /// - Returns: the time per stage.
    public func run(from start: Int = 0, onRows: ([Prediction]) throws -> Void) throws -> StageTimes {
        let items = Array(locations[min(start, locations.count)...])
        let scheduler = BatchScheduler(
            itemCount: items.count, batchSize: classifier.batchSize, elementCount: classifier.imageElementCount,
            workers: max(1, decodeWorkers), bufferCount: max(2, bufferCount))
        let clock = StageClock()
        let (decoder, fetcher, preprocessor, onDecoded) = (self.decoder, self.fetcher, classifier.preprocessor, self.onDecoded)
        var times = StageTimes()
        var output = [Float](repeating: 0, count: classifier.batchSize * classifier.classCount)
        try scheduler.run(
            fill: { item, slot in
                do {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let bytes = try fetcher.fetch(items[item])
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    let image = try decoder.decode(bytes)
                    preprocessor.run(image, into: slot)
                    clock.add(read: t1 - t0, decode: DispatchTime.now().uptimeNanoseconds - t1)
                    onDecoded?(item, image)
                    return nil
                } catch {
                    return "\(error)"
                }
            },
            consume: { batch in
                let t0 = DispatchTime.now().uptimeNanoseconds
                let rows = try output.withUnsafeMutableBufferPointer { try infer(batch, items: items, logits: $0) }
                let t1 = DispatchTime.now().uptimeNanoseconds
                try onRows(rows)
                times.infer += Double(t1 - t0) / 1e9
                times.write += Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
            })
        (times.read, times.decodePreprocess) = clock.seconds
        return times
    }

    /// Runs the model on the batch's good slots (packed to the front) and turns logits into predictions.
    private func infer(
        _ batch: BatchScheduler.Batch, items: [String], logits: UnsafeMutableBufferPointer<Float>
    ) throws -> [Prediction] {
        let n = classifier.imageElementCount
        let classes = classifier.classCount
        let good = batch.errors.indices.filter { batch.errors[$0] == nil }
        if let base = batch.buffer.baseAddress {
            for (slot, k) in good.enumerated() where slot != k {
                (base + slot * n).update(from: base + k * n, count: n)
            }
        }
        if !good.isEmpty {
            try classifier.logits(
                UnsafeBufferPointer(rebasing: batch.buffer[0..<good.count * n]), count: good.count,
                into: UnsafeMutableBufferPointer(rebasing: logits[0..<good.count * classes]))
        }
        var rows: [Prediction] = []
        var slot = 0
        for (k, item) in batch.items.enumerated() {
            if let error = batch.errors[k] {
                rows.append(.failure(items[item], error))
                continue
            }
            let row = UnsafeBufferPointer(rebasing: logits[slot * classes..<(slot + 1) * classes])
            rows.append(Prediction(
                path: items[item], topK: classifier.candidates(row, k: topK), logits: includeLogits ? Array(row) : nil,
                error: nil))
            slot += 1
        }
        return rows
    }

    /// The rows as an async sequence, for callers who prefer `for try await`.
    ///
    /// The job runs on a background thread; rows arrive in input order.
    public func predictions(from start: Int = 0) -> AsyncThrowingStream<Prediction, Error> {
        AsyncThrowingStream { continuation in
            nonisolated(unsafe) let job = self
            let thread = Thread {
                do {
                    _ = try job.run(from: start) { rows in rows.forEach { continuation.yield($0) } }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.start()
        }
    }
}

/// Thread-safe accumulation of the workers' read and decode time.
final class StageClock: @unchecked Sendable {
    private let lock = NSLock()
    private var readNanoseconds: UInt64 = 0
    private var decodeNanoseconds: UInt64 = 0

    func add(read: UInt64, decode: UInt64) {
        lock.lock()
        readNanoseconds += read
        decodeNanoseconds += decode
        lock.unlock()
    }

    var seconds: (Double, Double) {
        lock.lock()
        defer { lock.unlock() }
        return (Double(readNanoseconds) / 1e9, Double(decodeNanoseconds) / 1e9)
    }
}
