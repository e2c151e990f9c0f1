import Foundation
import ObjectStorage

/// Lists and reads inputs that live in S3, beside local files.
///
/// A source `s3://bucket/prefix` (signed with the standard AWS credentials) or
/// `s3://anonymous@bucket/prefix` (unsigned, for public buckets) expands to one location per object,
/// written `s3://bucket/key` — the `path` of its output row. Whether a bucket is read signed or
/// anonymously is remembered per bucket, from the sources that named it.
public final class S3Inputs: Sendable {
    public let client: S3Client
    private let anonymousBuckets: Set<String>

    /// A client configured from the environment (`AWS_*` variables, `~/.aws` files) and `endpoint`, if any
    /// of `sources` is in S3; nil otherwise.
    public static func forSources(_ sources: [String], endpoint: String?) throws -> S3Inputs? {
        let urls = try sources.filter(isS3).map { try S3URL(parsing: $0) }
        guard !urls.isEmpty else { return nil }
        let configuration = try S3Configuration.fromEnvironment(endpointOverride: endpoint)
        return S3Inputs(client: S3Client(configuration: configuration), anonymousBuckets: Set(urls.filter(\.anonymous).map(\.bucket)))
    }

    init(client: S3Client, anonymousBuckets: Set<String>) {
        self.client = client
        self.anonymousBuckets = anonymousBuckets
    }

    static func isS3(_ source: String) -> Bool { source.hasPrefix("s3://") }

    /// Every source expanded: S3 prefixes listed (all pages), local files and folders walked, sorted together.
    public func expand(_ sources: [String]) throws -> [String] {
        var locations = try InputListing.expand(sources.filter { !Self.isS3($0) })
        for source in sources where Self.isS3(source) {
            let url = try S3URL(parsing: source)
            locations += try client.list(url).map { S3URL.plain(bucket: url.bucket, key: $0.key) }
        }
        return Array(Set(locations)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Reads S3 locations through the client and everything else as local files.
    public func fetcher(local: LocalFileFetcher = LocalFileFetcher()) -> any ByteFetcher {
        S3Fetcher(inputs: self, local: local)
    }

    func get(_ location: String) throws -> [UInt8] {
        let url = try S3URL(parsing: location)
        let key = url.prefix
        return try client.getObject(bucket: url.bucket, key: key, anonymous: url.anonymous || anonymousBuckets.contains(url.bucket))
    }

    deinit { client.shutdown() }
}

/// A ``ByteFetcher`` for a mix of S3 objects and local files.
struct S3Fetcher: ByteFetcher {
    let inputs: S3Inputs
    let local: LocalFileFetcher

    func fetch(_ location: String) throws -> [UInt8] {
        S3Inputs.isS3(location) ? try inputs.get(location) : try local.fetch(location)
    }
}

extension S3URL {
    /// `s3://bucket/key`: how an object appears in outputs, whatever credentials read it.
    static func plain(bucket: String, key: String) -> String { "s3://\(bucket)/\(key)" }
}
