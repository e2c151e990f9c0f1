import BatchPipeline
import Foundation
import XCTest

final class BatchSchedulerTests: XCTestCase {
    /// Every item lands in its batch's slot, batches arrive in order, failures travel with their item.
    func testBatchesArriveInOrderWithEveryItemOnce() throws {
        let scheduler = BatchScheduler(itemCount: 103, batchSize: 8, elementCount: 4, workers: 3, bufferCount: 2)
        var seen: [Int] = []
        var failures: [Int] = []
        try scheduler.run(
            fill: { item, slot in
                if item % 10 == 7 { return "item \(item) is bad" }
                // Uneven work so that workers finish out of order.
                if item % 3 == 0 { usleep(200) }
                for k in slot.indices { slot[k] = Float(item * 10 + k) }
                return nil
            },
            consume: { batch in
                XCTAssertEqual(batch.index, seen.count / 8)
                for (k, item) in batch.items.enumerated() {
                    seen.append(item)
                    if let error = batch.errors[k] {
                        XCTAssertEqual(error, "item \(item) is bad")
                        failures.append(item)
                    } else {
                        XCTAssertEqual(batch.buffer[k * 4 + 3], Float(item * 10 + 3))
                    }
                }
            })
        XCTAssertEqual(seen, Array(0..<103))
        XCTAssertEqual(failures, Array(stride(from: 7, to: 103, by: 10)))
    }

    /// Workers never run more than `bufferCount` batches ahead of the consumer.
    func testWorkersWaitForAFreeBuffer() throws {
        let scheduler = BatchScheduler(itemCount: 64, batchSize: 4, elementCount: 1, workers: 2, bufferCount: 2)
        let lock = NSLock()
        nonisolated(unsafe) var highestFilled = -1
        try scheduler.run(
            fill: { item, _ in
                lock.lock()
                highestFilled = max(highestFilled, item)
                lock.unlock()
                return nil
            },
            consume: { batch in
                usleep(2000)  // a slow model
                lock.lock()
                let ahead = highestFilled / 4 - batch.index
                lock.unlock()
                XCTAssertLessThanOrEqual(ahead, 1, "filled batch \(highestFilled / 4) while consuming \(batch.index)")
            })
    }

    func testAConsumerErrorStopsTheRun() {
        struct Stop: Error {}
        let scheduler = BatchScheduler(itemCount: 1000, batchSize: 10, elementCount: 1, workers: 2, bufferCount: 2)
        var consumed = 0
        XCTAssertThrowsError(
            try scheduler.run(fill: { _, _ in nil }, consume: { _ in
                consumed += 1
                if consumed == 3 { throw Stop() }
            }))
        XCTAssertEqual(consumed, 3)
    }

    func testNoItemsIsNoBatches() throws {
        let scheduler = BatchScheduler(itemCount: 0, batchSize: 4, elementCount: 1, workers: 2, bufferCount: 2)
        try scheduler.run(fill: { _, _ in nil }, consume: { _ in XCTFail("no batch expected") })
    }
}
