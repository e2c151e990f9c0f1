import Foundation

/// Which inputs a job reads: sources expanded and sorted, then `--limit`, then `--shard`.
public struct InputSelection: Sendable {
    /// Files, folders, `@list.txt` files and `s3://` prefixes.
    public var sources: [String]
    /// Only the first N inputs (after sorting).
    public var limit: Int?
    /// This worker's slice of the sorted inputs.
    public var shard: Shard?
    /// An S3-compatible endpoint (`--s3-endpoint`); default `AWS_ENDPOINT_URL`, else AWS.
    public var s3Endpoint: String?

    public init(sources: [String], limit: Int? = nil, shard: Shard? = nil, s3Endpoint: String? = nil) {
        (self.sources, self.limit, self.shard, self.s3Endpoint) = (sources, limit, shard, s3Endpoint)
    }

    /// The selected inputs in output order, the S3 client that reads those in S3 (if any), and the
    /// number of inputs before sharding.
    public func list() throws -> (locations: [String], s3: S3Inputs?, total: Int) {
        let s3 = try S3Inputs.forSources(InputListing.expandLists(sources).map(\.0), endpoint: s3Endpoint)
        var all = try s3?.expand(sources) ?? InputListing.expand(sources)
        if let limit { all = Array(all.prefix(limit)) }
        return (shard.map { Array($0.select(all)) } ?? all, s3, all.count)
    }
}
