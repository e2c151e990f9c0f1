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
/// Every input yields exactly one ``PredictionRow``: a failure to read or decode becomes a row with
/// `error` set, and the job goes on. Memory is bounded by the batch-buffer pool, whatever the
/// number of inputs (see ``BatchScheduler``).
public final class ImageStream {
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

    /// Runs the inputs from `start` on; `onRows` gets each batch's rows in order, on the calling thread.
    ///
    /// - Returns: the time per stage.
    public func run(from start: Int = 0, onRows: ([PredictionRow]) throws -> Void) throws -> StageTimes {
        let items = Array(locations[min(start, locations.count)...])
        let scheduler = BatchScheduler(
            itemCount: items.count, batchSize: classifier.batchSize, elementCount: classifier.imageElementCount,
            workers: max(1, decodeWorkers), bufferCount: max(2, bufferCount))
        let clock = StageClock()
        let (decoder, fetcher, preprocessor, onDecoded) = (self.decoder, self.fetcher, classifier.preprocessor, self.onDecoded)
        var times = StageTimes()
        var outputs = Classifier.Outputs(classifier)
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
                let rows = try classifier.rows(batch, topK: topK, includeLogits: includeLogits, outputs: &outputs) { items[$0] }
                let t1 = DispatchTime.now().uptimeNanoseconds
                try onRows(rows)
                times.infer += Double(t1 - t0) / 1e9
                times.write += Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
            })
        (times.read, times.decodePreprocess) = clock.seconds
        return times
    }

    /// The rows as an async sequence, for callers who prefer `for try await`.
    ///
    /// The job runs on a background thread; rows arrive in input order.
    public func rows(from start: Int = 0) -> AsyncThrowingStream<PredictionRow, Error> {
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
