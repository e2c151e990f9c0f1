import Dispatch

/// Runs `body(i)` for `i` in `0..<count` on up to `workers` threads and returns the results in order.
///
/// Used by the one-shot commands (inspect, preprocess); the streaming pipeline has its own
/// bounded scheduler.
func parallelMap<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    nonisolated(unsafe) let slots = results
    let stride = max(1, workers)
    DispatchQueue.concurrentPerform(iterations: stride) { worker in
        // Interleaved assignment keeps neighbours on different threads, evening out the load.
        for i in Swift.stride(from: worker, to: count, by: stride) { slots[i] = body(i) }
    }
    let filled = results.compactMap { $0 }
    precondition(filled.count == count, "parallelMap: a worker left a slot empty")
    return filled
}
