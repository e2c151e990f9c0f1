@testable import BatchVision
import XCTest

/// The statistics `compare-precision` prints, on logits whose answers are known by hand.
final class PrecisionAgreementTests: XCTestCase {
    /// Logits for 8 classes with the given ranking: class `order[0]` highest, then `order[1]`, ...
    private func logits(_ order: [Int]) -> [Float] {
        var x = [Float](repeating: -10, count: 8)
        for (rank, c) in order.enumerated() { x[c] = Float(5 - rank) }
        return x
    }

    func testIdenticalLogitsAgreeCompletely() {
        var a = PrecisionAgreement()
        a.record(path: "a", exact: logits([0, 1, 2, 3, 4]), fast: logits([0, 1, 2, 3, 4]))
        XCTAssertEqual(a.images, 1)
        XCTAssertEqual(a.top1Agreement, 1)
        XCTAssertEqual(a.top5Overlap, 1)
        XCTAssertEqual(a.largestChange?.size, 0)
        XCTAssertTrue(a.disagreements.isEmpty)
    }

    func testTop1DisagreementTop5OverlapAndLargestChange() {
        var a = PrecisionAgreement()
        a.record(path: "same", exact: logits([0, 1, 2, 3, 4]), fast: logits([0, 1, 2, 3, 4]))
        // Top-1 swaps 0 and 1; class 4 leaves the top 5 for class 7: overlap 4/5.
        a.record(path: "swapped", exact: logits([0, 1, 2, 3, 4]), fast: logits([1, 0, 2, 3, 7]))
        XCTAssertEqual(a.images, 2)
        XCTAssertEqual(a.top1Agreements, 1)
        XCTAssertEqual(a.top1Agreement, 0.5)
        XCTAssertEqual(a.top5Overlap, (1 + 0.8) / 2, accuracy: 1e-12)
        XCTAssertEqual(a.disagreements.map(\.path), ["swapped"])
        XCTAssertEqual(a.disagreements.first?.exactClass, 0)
        XCTAssertEqual(a.disagreements.first?.fastClass, 1)
        // Softmax of (5, 4, 3, 2, 1, -10...): p0 = 0.6364; the swap moves class 0 (and 1) by p0 - p1 = 0.4023.
        let change = try? XCTUnwrap(a.largestChange)
        XCTAssertEqual(change?.path, "swapped")
        XCTAssertTrue(change?.classIndex == 0 || change?.classIndex == 1)
        XCTAssertEqual(change?.size ?? 0, 0.4023, accuracy: 1e-3)
    }

    func testNoImagesMeansNothingToDisagreeAbout() {
        let a = PrecisionAgreement()
        XCTAssertEqual(a.top1Agreement, 1)
        XCTAssertNil(a.largestChange)
    }
}
