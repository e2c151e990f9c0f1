import Foundation

/// Fills fixed, reusable batch buffers on worker threads and hands them out in input order.
///
/// ```
///  items[0..<n] ─► workers (decode, preprocess) ─► slot i % B of batch i / B ─┐
///                      ▲                                                       │ batches in order
///                      └──────── BufferPool (P buffers of B slots) ◄── consume ┘ (infer, write)
/// ```
/// Items are claimed in input order; the first item of each batch takes a buffer from the pool,
/// blocking when all `bufferCount` buffers are in use, so memory stays at
/// `bufferCount × batchSize × elementCount` floats however many items there are. The consumer
/// runs on the calling thread and sees batch 0, 1, 2, ... in order, each once every one of its
/// items has been filled or has failed; it returns the buffer to the pool when it returns.
/// Workers start on the next batches while the consumer works on this one, which is how decoding
/// overlaps inference.
public final class BatchScheduler: @unchecked Sendable {
    /// One finished batch, as the consumer sees it.
    public struct Batch {
        /// The batch number, 0, 1, 2, ...
        public let index: Int
        /// The input indices it holds, `index * batchSize ..< ...`.
        public let items: Range<Int>
        /// Per item of the batch: nil when its slot holds a tensor, else why it failed.
        public let errors: [String?]
        /// `batchSize * elementCount` floats; slot `k` is `[k * elementCount, (k + 1) * elementCount)`.
        public let buffer: UnsafeMutableBufferPointer<Float>
    }

    /// Fills one slot; returns nil on success or the failure message.
    public typealias Fill = @Sendable (_ item: Int, _ slot: UnsafeMutableBufferPointer<Float>) -> String?

    public let itemCount: Int
    public let batchSize: Int
    public let elementCount: Int
    public let workers: Int
    public let bufferCount: Int

    private let condition = NSCondition()
    private var nextItem = 0
    private var freeBuffers: [UnsafeMutableBufferPointer<Float>]
    private var allBuffers: [UnsafeMutableBufferPointer<Float>]
    private var batchBuffers: [Int: UnsafeMutableBufferPointer<Float>] = [:]
    private var batchErrors: [Int: [String?]] = [:]
    private var batchRemaining: [Int: Int] = [:]
    private var stopped = false

    public init(itemCount: Int, batchSize: Int, elementCount: Int, workers: Int, bufferCount: Int) {
        precondition(batchSize > 0 && elementCount > 0 && workers > 0 && bufferCount > 0)
        self.itemCount = itemCount
        self.batchSize = batchSize
        self.elementCount = elementCount
        self.workers = workers
        self.bufferCount = bufferCount
        allBuffers = (0..<bufferCount).map { _ in
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: batchSize * elementCount)
            b.initialize(repeating: 0)
            return b
        }
        freeBuffers = allBuffers
    }

    deinit {
        allBuffers.forEach { $0.deallocate() }
    }

    public var batchCount: Int { (itemCount + batchSize - 1) / batchSize }

    /// Runs every item through `fill` on the workers and every batch through `consume`, in order.
    ///
    /// If `consume` throws, the workers stop claiming items, the error is rethrown, and later batches
    /// are never consumed.
    public func run(fill: @escaping Fill, consume: (Batch) throws -> Void) throws {
        let group = DispatchGroup()
        for _ in 0..<workers {
            let thread = Thread { [self] in
                workerLoop(fill)
                group.leave()
            }
            thread.stackSize = 4 << 20
            group.enter()
            thread.start()
        }
        defer {
            stop()
            group.wait()
        }
        for batch in 0..<batchCount {
            let ready = waitForBatch(batch)
            try consume(ready)
            release(batch)
        }
    }

    // MARK: - Workers

    private func workerLoop(_ fill: Fill) {
        while case let (item, slot)? = claim() {
            let error = fill(item, slot)
            finish(item, error: error)
        }
    }

    /// The next item and its slot, taking a buffer for its batch when it is the batch's first; nil when done.
    private func claim() -> (Int, UnsafeMutableBufferPointer<Float>)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            // Re-read everything after each wait: another worker may have claimed the item meanwhile.
            guard !stopped, nextItem < itemCount else { return nil }
            let item = nextItem
            let batch = item / batchSize
            if batchBuffers[batch] == nil {
                guard let buffer = freeBuffers.popLast() else {
                    condition.wait()
                    continue
                }
                batchBuffers[batch] = buffer
                let count = min(batchSize, itemCount - batch * batchSize)
                batchErrors[batch] = Array(repeating: nil, count: count)
                batchRemaining[batch] = count
            }
            guard let buffer = batchBuffers[batch] else { return nil }
            nextItem += 1
            let slot = item % batchSize
            return (item, UnsafeMutableBufferPointer(rebasing: buffer[slot * elementCount..<(slot + 1) * elementCount]))
        }
    }

    private func finish(_ item: Int, error: String?) {
        condition.lock()
        let batch = item / batchSize
        batchErrors[batch]?[item % batchSize] = error
        batchRemaining[batch, default: 0] -= 1
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - Consumer

    private func waitForBatch(_ batch: Int) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while batchRemaining[batch] != 0 || batchBuffers[batch] == nil { condition.wait() }
        let start = batch * batchSize
        return Batch(
            index: batch, items: start..<min(start + batchSize, itemCount), errors: batchErrors[batch] ?? [],
            buffer: batchBuffers[batch] ?? UnsafeMutableBufferPointer(start: nil, count: 0))
    }

    private func release(_ batch: Int) {
        condition.lock()
        if let buffer = batchBuffers.removeValue(forKey: batch) { freeBuffers.append(buffer) }
        batchErrors[batch] = nil
        batchRemaining[batch] = nil
        condition.broadcast()
        condition.unlock()
    }

    private func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
