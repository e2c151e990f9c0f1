import Foundation

/// Where S3 is, who we are to it, and how patient to be with it.
///
/// Usually made by ``fromEnvironment(_:endpointOverride:profile:)`` from the same sources the AWS
/// CLI reads; every field can be changed afterwards (tests shorten the retry delays).
public struct S3Configuration: Sendable {
    /// The region requests are signed for; `us-east-1` when nothing says otherwise.
    public var region: String
    /// An S3-compatible server (`http://127.0.0.1:9000`): requests use path-style addressing.
    /// nil means AWS itself, with virtual-hosted addressing.
    public var endpoint: URL?
    /// The key pair that signs requests; nil allows anonymous (`s3://anonymous@...`) reads only.
    public var credentials: S3Credentials?
    /// How often and how patiently a failed request is tried again.
    public var retry: RetryPolicy
    /// The longest wait for a TCP (and TLS) connection to open.
    public var connectTimeout: Duration
    /// The longest silence while reading a response before the attempt counts as failed.
    public var readTimeout: Duration
    /// The longest one attempt of one request may take from start to last byte.
    public var requestTimeout: Duration
    /// The largest object ``S3Client`` will read; larger ones are refused, never truncated.
    public var maxObjectBytes: Int
    /// The most keys one listing may return before it is refused as absurd.
    public var maxListedObjects: Int

    public init(
        region: String = "us-east-1", endpoint: URL? = nil, credentials: S3Credentials? = nil,
        retry: RetryPolicy = RetryPolicy(), connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(300), maxObjectBytes: Int = 256 << 20, maxListedObjects: Int = 10_000_000
    ) {
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
        self.retry = retry
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.requestTimeout = requestTimeout
        self.maxObjectBytes = maxObjectBytes
        self.maxListedObjects = maxListedObjects
    }
}

// MARK: - Endpoint validation

extension S3Configuration {
    /// Parses an endpoint override such as `http://127.0.0.1:9000`.
    ///
    /// - Throws: ``S3Error/invalidEndpoint(_:reason:)`` unless it is an http(s) URL with a host
    ///   and nothing after the path.
    public static func parseEndpoint(_ text: String) throws -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw S3Error.invalidEndpoint(text, reason: "it is not a URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw S3Error.invalidEndpoint(text, reason: "the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else {
            throw S3Error.invalidEndpoint(text, reason: "the host is missing")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            throw S3Error.invalidEndpoint(text, reason: "it may not carry a query, fragment or user")
        }
        guard let url = components.url else { throw S3Error.invalidEndpoint(text, reason: "it is not a URL") }
        return url
    }
}
