import TestSupport
import XCTest

@testable import ObjectStorage

final class RetryPolicyTests: XCTestCase {
    func testCeilingDoublesUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        XCTAssertEqual((1...6).map(policy.ceilingDelay), [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ])
        XCTAssertEqual(policy.ceilingDelay(beforeRetry: 1_000_000), .seconds(1))  // no overflow
    }

    func testJitteredDelaysStayWithinTheCeilingAndVary() {
        let policy = RetryPolicy()
        var generator = SplitMix64(state: 42)
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
