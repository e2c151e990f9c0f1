import Dispatch
import NIOConcurrencyHelpers

// MARK: - Blocking forms for worker threads

extension S3Client {
    /// Every object under `location`, sorted by key (UTF-8 byte order, as S3 lists).
    ///
    /// Blocks the calling thread; otherwise the same as the `async` form.
    public func list(_ location: S3URL, limit: Int? = nil) throws -> [S3Object] {
        try runBlocking { try await self.list(location, limit: limit) }
    }

    /// The bytes of one object. Blocks the calling thread.
    public func getObject(bucket: String, key: String, anonymous: Bool) throws -> [UInt8] {
        try runBlocking { try await self.getObject(bucket: bucket, key: key, anonymous: anonymous) }
    }
}

/// Runs `operation` as a task and waits for it on this (non-concurrency) thread.
func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let result = NIOLockedValueBox<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await operation()) } catch { outcome = .failure(error) }
        result.withLockedValue { $0 = outcome }
        done.signal()
    }
    done.wait()
    guard let outcome = result.withLockedValue({ $0 }) else { preconditionFailure("task finished without a result") }
    return try outcome.get()
}
