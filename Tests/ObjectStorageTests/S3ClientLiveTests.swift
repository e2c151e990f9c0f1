import Foundation
import XCTest

@testable import ObjectStorage

/// `S3Client` against local moto servers (see ``S3TestServers``), seeded by `Tests/Oracles/s3_seed.py`.
///
/// Object bodies are `"body of " + key`; the strict server checks every SigV4 signature.
final class S3ClientLiveTests: XCTestCase {
    nonisolated(unsafe) private static var servers: S3TestServers?
    nonisolated(unsafe) private static var startError: (any Error)?

    override class func setUp() {
        do {
            servers = try S3TestServers.start()
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        servers?.stop()
        servers = nil
    }

    private var home: URL!

    override func setUpWithError() throws {
        // Only a missing venv skips; servers that fail to start fail every test.
        if let skip = Self.startError as? S3TestServers.Skip { throw XCTSkip(skip.description) }
        if let error = Self.startError { throw error }
        guard let servers = Self.servers else { throw S3TestServers.Failure("S3 test servers did not start") }
        try servers.configureProxy()
        home = FileManager.default.temporaryDirectory.appendingPathComponent("s3-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let home { try? FileManager.default.removeItem(at: home) }
    }

    // MARK: - Helpers

    private var servers: S3TestServers { Self.servers! }

    /// A client for `endpoint` with quick retries, so retry tests stay fast.
    private func client(
        _ endpoint: URL, credentials: S3Credentials? = nil, configure: (inout S3Configuration) -> Void = { _ in }
    ) -> S3Client {
        var configuration = S3Configuration(endpoint: endpoint, credentials: credentials)
        configuration.retry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(40))
        configure(&configuration)
        let client = S3Client(configuration: configuration)
        addTeardownBlock { client.shutdown() }
        return client
    }

    private func body(_ key: String) -> [UInt8] { Array("body of \(key)".utf8) }

    private func sortedByBytes(_ keys: [String]) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func assertS3Error(
        _ expression: @autoclosure () throws -> some Any, file: StaticString = #filePath, line: UInt = #line,
        _ check: (S3Error) -> Void
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let s3 = error as? S3Error else { return XCTFail("not an S3Error: \(error)", file: file, line: line) }
            XCTAssertFalse(s3.description.contains("\n"), "one line: \(s3)", file: file, line: line)
            check(s3)
        }
    }

    // MARK: - Signed requests (the strict server verifies every signature)

    func testSignedListingAndGetWithEnvironmentCredentials() throws {
        let configuration = try S3Configuration.fromEnvironment([
            "HOME": home.path, "AWS_ACCESS_KEY_ID": servers.accessKey, "AWS_SECRET_ACCESS_KEY": servers.secretKey,
            "AWS_ENDPOINT_URL": servers.strict.absoluteString,
        ])
        let client = S3Client(configuration: configuration)
        defer { client.shutdown() }
        let location = try S3URL(parsing: "s3://signed-images")
        let objects = try client.list(location)
        let keys = ["photos/a.jpg", "photos/space name+plus.jpg", "photos/ünï.jpg", "photos/x=y&z~.jpg", "readme.txt"]
        XCTAssertEqual(objects.map(\.key), sortedByBytes(keys))
        XCTAssertEqual(objects.map(\.size), objects.map { body($0.key).count })
        for object in objects {
            XCTAssertEqual(try client.getObject(bucket: "signed-images", key: object.key, anonymous: false), body(object.key))
        }
    }

    func testSignedWithCredentialsFileAndProfile() throws {
        let credentials = home.appendingPathComponent("credentials")
        let config = home.appendingPathComponent("config")
        try "[default]\naws_access_key_id = \(servers.accessKey)\naws_secret_access_key = wrong\n\n[tests]\naws_access_key_id = \(servers.accessKey)\naws_secret_access_key = \(servers.secretKey)\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        try "[profile tests]\nregion = us-east-1\n".write(to: config, atomically: true, encoding: .utf8)
        let env = [
            "HOME": home.path, "AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path,
            "AWS_PROFILE": "tests",
        ]
        let client = S3Client(configuration: try .fromEnvironment(env, endpointOverride: servers.strict.absoluteString))
        defer { client.shutdown() }
        let objects = try client.list(S3URL(parsing: "s3://signed-images/photos/ü"))
        XCTAssertEqual(objects, [S3Object(key: "photos/ünï.jpg", size: body("photos/ünï.jpg").count)])
        XCTAssertEqual(try client.getObject(bucket: "signed-images", key: "photos/ünï.jpg", anonymous: false), body("photos/ünï.jpg"))
    }

    func testWrongSecretIsAClear403() throws {
        let client = client(servers.strict, credentials: S3Credentials(accessKeyID: servers.accessKey, secretAccessKey: "wrong"))
        assertS3Error(try client.list(S3URL(parsing: "s3://signed-images"))) { error in
            XCTAssertEqual(error, .accessDenied(url: "s3://signed-images/", code: "SignatureDoesNotMatch", signed: true))
            XCTAssertTrue(error.description.contains("403"), error.description)
            XCTAssertTrue(error.description.contains("secret access key is wrong"), error.description)
            XCTAssertTrue(error.description.contains("s3://anonymous@signed-images/"), error.description)
        }
        let unknown = self.client(servers.strict, credentials: S3Credentials(accessKeyID: "AKIAUNKNOWN", secretAccessKey: "x"))
        assertS3Error(try unknown.getObject(bucket: "signed-images", key: "readme.txt", anonymous: false)) { error in
            XCTAssertEqual(error, .accessDenied(url: "s3://signed-images/readme.txt", code: "InvalidAccessKeyId", signed: true))
        }
    }

    func testNoCredentialsForASignedURLSaysWhatToDo() throws {
        let client = client(servers.strict)
        assertS3Error(try client.list(S3URL(parsing: "s3://signed-images/photos/"))) { error in
            XCTAssertEqual(error, .missingCredentials(bucket: "signed-images"))
            XCTAssertTrue(error.description.contains("AWS_ACCESS_KEY_ID"), error.description)
            XCTAssertTrue(error.description.contains("s3://anonymous@signed-images/"), error.description)
        }
    }

    // MARK: - Anonymous requests

    func testAnonymousListingAndGet() async throws {
        let client = client(servers.open)
        let objects = try await client.list(S3URL(parsing: "s3://anonymous@public-images/cats/"))
        XCTAssertEqual(objects.map(\.key), sortedByBytes(["cats/a.jpg", "cats/b b.jpg", "cats/ü.png", "cats/x+y=z&w.jpg"]))
        for object in objects {
            let bytes = try await client.getObject(bucket: "public-images", key: object.key, anonymous: true)
            XCTAssertEqual(bytes, body(object.key))
        }
    }

    func testAnonymousGetOfAPrivateObjectIsA403WithoutRetries() throws {
        let client = client(servers.proxy)
        assertS3Error(try client.getObject(bucket: "private-images", key: "secret.jpg", anonymous: true)) { error in
            guard case .accessDenied(_, _, signed: false) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("remove 'anonymous@'"), error.description)
        }
        XCTAssertEqual(try servers.proxyStats().requests, 1, "a 4xx is never retried")
    }

    func testMissingBucketAndKeyAre404sWithoutRetries() throws {
        let client = client(servers.proxy)
        assertS3Error(try client.list(S3URL(parsing: "s3://anonymous@no-such-bucket/x/"))) { error in
            XCTAssertEqual(error, .noSuchBucket("no-such-bucket"))
        }
        assertS3Error(try client.getObject(bucket: "public-images", key: "cats/missing.jpg", anonymous: true)) { error in
            XCTAssertEqual(error, .noSuchKey(url: "s3://public-images/cats/missing.jpg"))
        }
        XCTAssertEqual(try servers.proxyStats().requests, 2)
    }

    // MARK: - Pagination, prefixes, order, bounds

    func testPaginationPastOneThousandKeysSortedAndFiltered() throws {
        let client = client(servers.proxy)
        let objects = try client.list(S3URL(parsing: "s3://anonymous@many-keys/img/"))
        XCTAssertEqual(objects.map(\.key), (0..<1205).map { String(format: "img/%05d.jpg", $0) })
        XCTAssertEqual(objects.map(\.size), objects.map { body($0.key).count })
        XCTAssertEqual(try servers.proxyStats().requests, 2, "1,205 keys are two pages of at most 1,000")
        let whole = try client.list(S3URL(parsing: "s3://anonymous@many-keys"))
        XCTAssertEqual(whole.count, 1206)
        XCTAssertEqual(whole.last?.key, "other/x.jpg")
    }

    func testLimitStopsTheListingEarly() throws {
        let client = client(servers.proxy)
        let objects = try client.list(S3URL(parsing: "s3://anonymous@many-keys/img/"), limit: 10)
        XCTAssertEqual(objects.map(\.key), (0..<10).map { String(format: "img/%05d.jpg", $0) })
        XCTAssertEqual(try servers.proxyStats().requests, 1)
    }

    func testListingLargerThanTheCapIsRefused() throws {
        let client = client(servers.open) { $0.maxListedObjects = 1100 }
        assertS3Error(try client.list(S3URL(parsing: "s3://anonymous@many-keys/"))) { error in
            XCTAssertEqual(error, .listingTooLarge(url: "s3://anonymous@many-keys/", limit: 1100))
        }
    }

    func testObjectLargerThanTheCapIsRefused() throws {
        let capped = client(servers.proxy) { $0.maxObjectBytes = 4999 }
        let expected = objectTooLarge(limit: 4999)
        assertS3Error(try capped.getObject(bucket: "public-images", key: "big.bin", anonymous: true)) { XCTAssertEqual($0, expected) }
        // Without a Content-Length the body is cut off as it streams in.
        try servers.configureProxy(chunked: true)
        assertS3Error(try capped.getObject(bucket: "public-images", key: "big.bin", anonymous: true)) { XCTAssertEqual($0, expected) }
        let exact = client(servers.proxy) { $0.maxObjectBytes = 5000 }
        XCTAssertEqual(try exact.getObject(bucket: "public-images", key: "big.bin", anonymous: true), Array((0..<250).map(UInt8.init)) * 20)
    }

    private func objectTooLarge(limit: Int) -> S3Error { .objectTooLarge(url: "s3://public-images/big.bin", limit: limit) }

    // MARK: - Retries and failures

    func testRetriesThrough503SlowDownAndSucceeds() throws {
        try servers.configureProxy(failFirst: 3)
        let client = client(servers.proxy)
        XCTAssertEqual(try client.getObject(bucket: "public-images", key: "dogs/c.jpg", anonymous: true), body("dogs/c.jpg"))
        let stats = try servers.proxyStats()
        XCTAssertEqual(stats.requests, 4)
        XCTAssertEqual(stats.failed, 3)
    }

    func testPaginationSurvivesIntermittent503s() throws {
        try servers.configureProxy(failFirst: 1, failEvery: 2)  // requests 1 and 3 fail, 2 and 4 are the pages
        let client = client(servers.proxy)
        XCTAssertEqual(try client.list(S3URL(parsing: "s3://anonymous@many-keys")).count, 1206)
        let stats = try servers.proxyStats()
        XCTAssertEqual(stats.requests, 4)
        XCTAssertEqual(stats.failed, 2)
    }

    func testGivesUpAfterTheRetryBudget() throws {
        try servers.configureProxy(failFirst: 1000)
        let client = client(servers.proxy)
        assertS3Error(try client.list(S3URL(parsing: "s3://anonymous@public-images/cats/"))) { error in
            XCTAssertEqual(
                error, .retriesExhausted(url: "s3://anonymous@public-images/cats/", attempts: 5, lastProblem: "HTTP 503 SlowDown"))
        }
        XCTAssertEqual(try servers.proxyStats().requests, 5)
    }

    func testUnreachableEndpointFailsFastWithAHint() throws {
        let port = try closedLocalPort()
        let client = client(URL(string: "http://127.0.0.1:\(port)")!)
        let start = ContinuousClock.now
        assertS3Error(try client.list(S3URL(parsing: "s3://anonymous@public-images/"))) { error in
            guard case .unreachable(let endpoint, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, "http://127.0.0.1:\(port)")
            XCTAssertTrue(error.description.contains("--s3-endpoint"), error.description)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
    }

    func testBlockingCallsFromManyThreadsShareOneClient() throws {
        let client = client(servers.open)
        let keys = (0..<64).map { String(format: "img/%05d.jpg", $0 * 17) }
        let results = Results(count: keys.count)
        DispatchQueue.concurrentPerform(iterations: keys.count) { i in
            do {
                results.set(i, try client.getObject(bucket: "many-keys", key: keys[i], anonymous: true))
            } catch {
                print("GET \(keys[i]) failed: \(error)")
            }
        }
        XCTAssertEqual(results.values, keys.map { Optional(body($0)) })
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [[UInt8]?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: [UInt8]?) { lock.withLock { values[i] = value } }
    }
}

extension Array {
    fileprivate static func * (lhs: Self, rhs: Int) -> Self { Array((0..<rhs).map { _ in lhs }.joined()) }
}
