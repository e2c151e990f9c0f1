import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore

/// Lists and reads objects in S3 or an S3-compatible server.
///
/// ```
/// let client = S3Client(configuration: try .fromEnvironment())
/// defer { client.shutdown() }
/// let location = try S3URL(parsing: "s3://anonymous@air-example-data-2/imagenette2/train/")
/// for object in try client.list(location) {
///     let bytes = try client.getObject(bucket: location.bucket, key: object.key, anonymous: location.anonymous)
/// }
/// ```
///
/// One client holds one connection pool; share it between threads. Every method comes twice:
/// `async`, and blocking for plain worker threads. The blocking ones must not be called from a
/// Swift concurrency task or a NIO event loop (they would wait on the threads that do the work).
public final class S3Client: Sendable {
    /// The settings this client was made with.
    public let configuration: S3Configuration
    let transport: S3Transport
    /// Buckets found to live in another region than the configured one (AWS endpoint only).
    let bucketRegions = NIOLockedValueBox<[String: String]>([:])
    private let isShutDown = NIOLockedValueBox(false)

    /// The largest ListObjectsV2 page we read: 1,000 keys of 1,024 bytes, URL-encoded, fit easily.
    static let maxListingPageBytes = 32 << 20

    /// Makes a client with its own connection pool; call ``shutdown()`` when done.
    public init(configuration: S3Configuration) {
        self.configuration = configuration
        var httpConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(configuration.connectTimeout.nanoseconds),
                read: .nanoseconds(configuration.readTimeout.nanoseconds)))
        // Our retry policy decides about retries; the pool's own reconnect loop would turn a
        // refused connection into a wait until the request deadline.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.httpVersion = .http1Only
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.transport = S3Transport(http: http, requestTimeout: configuration.requestTimeout)
    }

    /// Closes every connection; later requests fail. Calling it twice is harmless.
    public func shutdown() {
        guard markShutDown() else { return }
        try? transport.http.syncShutdown()
    }

    deinit {
        // A forgotten shutdown must not crash (AsyncHTTPClient asserts on it in debug builds).
        if markShutDown() { _ = transport.http.shutdown() }
    }

    /// Flips the flag; true for the one caller that did it.
    private func markShutDown() -> Bool {
        isShutDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
    }
}
