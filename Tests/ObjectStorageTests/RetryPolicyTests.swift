import XCTest

@testable import ObjectStorage

final class RetryPolicyTests: XCTestCase {
    /// A deterministic generator so the jitter is reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testCeilingDoublesUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        XCTAssertEqual((1...6).map(policy.ceilingDelay), [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ])
        XCTAssertEqual(policy.ceilingDelay(beforeRetry: 1_000_000), .seconds(1))  // no overflow
    }

    func testJitteredDelaysStayWithinTheCeilingAndVary() {
        let policy = RetryPolicy()
        var generator = SplitMix(state: 42)
        for retry in 1...8 {
            let delays = (0..<200).map { _ in policy.delay(beforeRetry: retry, using: &generator) }
            XCTAssertTrue(delays.allSatisfy { $0 >= .zero && $0 <= policy.ceilingDelay(beforeRetry: retry) })
            XCTAssertGreaterThan(Set(delays).count, 150, "jitter should spread the waits")
        }
    }

    func testOnlyServerErrorsAreRetryable() {
        XCTAssertTrue([500, 502, 503, 504, 599].allSatisfy(RetryPolicy.isRetryable))
        XCTAssertFalse([200, 301, 400, 403, 404, 409, 429, 499].contains(where: RetryPolicy.isRetryable))
    }

    func testAtLeastOneAttempt() {
        XCTAssertEqual(RetryPolicy(maxAttempts: 0).maxAttempts, 1)
    }
}
