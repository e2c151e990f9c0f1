/// How many times to try a request and how long to wait between tries.
///
/// Waits grow exponentially with "full jitter" (a uniform draw between zero and the capped
/// exponential), which AWS recommends so that many clients throttled together do not retry in step.
///
/// ```
/// retry 1: 0 ..< min(cap, base)       retry 2: 0 ..< min(cap, 2 base)     retry n: 0 ..< min(cap, 2^(n-1) base)
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included; 1 means never retry.
    public var maxAttempts: Int
    /// The upper bound of the first wait.
    public var baseDelay: Duration
    /// No wait is longer than this.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(3)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `retry` (1 for the first retry).
    public func delay<G: RandomNumberGenerator>(beforeRetry retry: Int, using generator: inout G) -> Duration {
        let ceiling = ceilingDelay(beforeRetry: retry)
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    /// The largest wait ``delay(beforeRetry:using:)`` can return for `retry`.
    public func ceilingDelay(beforeRetry retry: Int) -> Duration {
        // Cap the exponent first: 2^62 nanoseconds would overflow long before `maxDelay` applies.
        let doublings = min(max(retry - 1, 0), 30)
        let grown = baseDelay * (1 << doublings)
        return min(grown, maxDelay)
    }

    /// Whether a response with this HTTP status is worth trying again.
    ///
    /// Only server-side failures (5xx, including 503 SlowDown) are: a 4xx says the request itself
    /// is wrong (bad credentials, no such key), and repeating it changes nothing.
    public static func isRetryable(status: Int) -> Bool { (500...599).contains(status) }
}
