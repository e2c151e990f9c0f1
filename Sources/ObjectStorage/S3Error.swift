import TensorCore

/// Everything that can go wrong reading from S3, each with a one-line message and a fix.
public enum S3Error: UserFacingError, Equatable {
    /// An `s3://` URL that cannot name a bucket and prefix.
    case invalidURL(String, reason: String)
    /// An endpoint override that is not an http(s) URL.
    case invalidEndpoint(String, reason: String)
    /// A configuration source that is present but wrong (half a key pair, an unknown profile).
    case configuration(String)
    /// A signed request was needed and no credentials were found.
    case missingCredentials(bucket: String)
    /// 403: the server refused who we are (or that we are nobody, for unsigned requests).
    case accessDenied(url: String, code: String, signed: Bool)
    /// 404 NoSuchBucket.
    case noSuchBucket(String)
    /// 404 NoSuchKey (or a bare 404 for an object).
    case noSuchKey(url: String)
    /// Any other response that is not success and not worth retrying.
    case requestFailed(url: String, status: Int, code: String)
    /// The retry budget ran out; `lastProblem` is what the final attempt saw.
    case retriesExhausted(url: String, attempts: Int, lastProblem: String)
    /// No connection could be opened at all.
    case unreachable(endpoint: String, detail: String)
    /// The object is larger than the configured cap.
    case objectTooLarge(url: String, limit: Int)
    /// A listing has more keys than the configured cap.
    case listingTooLarge(url: String, limit: Int)
    /// The server answered with something S3 never sends.
    case malformedResponse(url: String, reason: String)

    public var message: String {
        switch self {
        case let .invalidURL(url, reason): "invalid S3 URL '\(Self.printable(url))': \(reason)"
        case let .invalidEndpoint(url, reason): "invalid S3 endpoint '\(Self.printable(url))': \(reason)"
        case let .configuration(what): "AWS configuration: \(what)"
        case let .missingCredentials(bucket): "no AWS credentials found to read s3://\(bucket)"
        case let .accessDenied(url, code, signed):
            "access denied to \(url) (403 \(code)) with \(signed ? "the configured credentials" : "unsigned requests")"
        case let .noSuchBucket(bucket): "S3 bucket '\(bucket)' does not exist (404 NoSuchBucket)"
        case let .noSuchKey(url): "no such S3 object: \(url) (404 NoSuchKey)"
        case let .requestFailed(url, status, code): "S3 request for \(url) failed: HTTP \(status) \(code)"
        case let .retriesExhausted(url, attempts, lastProblem):
            "S3 request for \(url) failed after \(attempts) attempts; last: \(lastProblem)"
        case let .unreachable(endpoint, detail): "cannot connect to S3 at \(endpoint): \(detail)"
        case let .objectTooLarge(url, limit): "S3 object \(url) is larger than the \(limit)-byte limit"
        case let .listingTooLarge(url, limit): "listing \(url) found more than \(limit) objects"
        case let .malformedResponse(url, reason): "unexpected S3 response for \(url): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidURL: "write s3://bucket/prefix, or s3://anonymous@bucket/prefix for a public bucket"
        case .invalidEndpoint: "pass the server's base URL, such as http://127.0.0.1:9000"
        case .configuration: "check AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and ~/.aws/credentials"
        case .missingCredentials(let bucket):
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE; for a public bucket use s3://anonymous@\(bucket)/..."
        case let .accessDenied(url, code, signed):
            if !signed { "the bucket is not public: remove 'anonymous@' and provide AWS credentials" }
            else { "\(Self.credentialAdvice(code)); for a public bucket use \(Self.anonymousForm(url))" }
        case .noSuchBucket: "check the bucket name and the endpoint (AWS_ENDPOINT_URL, --s3-endpoint)"
        case .noSuchKey: "the object was deleted or the key is misspelled; list the prefix again"
        case .requestFailed: nil
        case .retriesExhausted: "the server is overloaded or failing; try again later or with fewer workers"
        case .unreachable: "check the endpoint (AWS_ENDPOINT_URL, --s3-endpoint), that the server runs, and the network"
        case .objectTooLarge: "the file is not an image this tool reads; raise the object size limit if it is"
        case .listingTooLarge: "narrow the prefix, or raise the listing limit"
        case .malformedResponse: "check that the endpoint is an S3-compatible server"
        }
    }

    /// `text` with control characters escaped and cut to 300 characters, so a message stays one line.
    private static func printable(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }
        let joined = escaped.joined()
        return joined.count > 300 ? joined.prefix(300) + "…" : joined
    }

    /// What a signed 403's code says about the credentials.
    private static func credentialAdvice(_ code: String) -> String {
        switch code {
        case "SignatureDoesNotMatch": "the secret access key is wrong for this access key id"
        case "InvalidAccessKeyId": "the access key id is unknown to this server"
        case "InvalidToken", "ExpiredToken": "the session token (AWS_SESSION_TOKEN) is invalid or expired"
        default: "the credentials are missing this permission or wrong (AWS_ACCESS_KEY_ID, AWS_PROFILE)"
        }
    }

    /// `s3://anonymous@bucket/key` for `s3://bucket/key`.
    private static func anonymousForm(_ url: String) -> String {
        url.hasPrefix("s3://") ? "s3://anonymous@" + url.dropFirst("s3://".count) : "s3://anonymous@bucket/..."
    }
}
