import Foundation

/// Where one S3 request goes: the URL on the wire, the `Host` header, and the path to sign.
///
/// ```
/// custom endpoint  http://127.0.0.1:9000/bucket/key                   path-style
/// AWS              https://bucket.s3.us-west-2.amazonaws.com/key      virtual-hosted
/// AWS, dotted name https://s3.us-west-2.amazonaws.com/my.bucket/key   path-style, since the
///                                                                      wildcard TLS certificate
///                                                                      cannot cover a dotted host
/// ```
struct S3Address: Sendable {
    /// The full URL, query included, exactly as sent.
    let url: String
    /// The `Host` header value (with the port when it is not the scheme's default).
    let host: String
    /// The percent-encoded path, as signed.
    let encodedPath: String
    /// The query parameters, unencoded, as signed.
    let query: [(name: String, value: String)]

    /// The address of `key` in `bucket` (the bucket itself when `key` is nil).
    init(endpoint: URL?, region: String, bucket: String, key: String?, query: [(name: String, value: String)] = []) {
        let keyPath = key.map { "/" + URIEncoding.encodePath($0) } ?? ""
        let base: (scheme: String, host: String, path: String)
        if let endpoint {
            let prefix = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
            base = (endpoint.scheme ?? "http", Self.hostHeader(endpoint), prefix + "/" + bucket + keyPath)
        } else if bucket.contains(".") {
            base = ("https", "s3.\(region).amazonaws.com", "/" + bucket + keyPath)
        } else {
            base = ("https", "\(bucket).s3.\(region).amazonaws.com", keyPath.isEmpty ? "/" : keyPath)
        }
        let queryString = SigV4Signer.canonicalQuery(query)
        self.url = "\(base.scheme)://\(base.host)\(base.path)" + (queryString.isEmpty ? "" : "?" + queryString)
        self.host = base.host
        self.encodedPath = base.path
        self.query = query
    }

    /// `host[:port]`, with brackets for IPv6 literals, as HTTP clients send it.
    private static func hostHeader(_ endpoint: URL) -> String {
        let host = endpoint.host ?? ""
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let defaultPort = endpoint.scheme == "https" ? 443 : 80
        guard let port = endpoint.port, port != defaultPort else { return bracketed }
        return "\(bracketed):\(port)"
    }
}
