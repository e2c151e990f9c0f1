/// A location in S3: a bucket and a key prefix, optionally read without signing.
///
/// Written the way the AWS CLI and Ray write them:
///
/// ```
/// s3://bucket                      every key in the bucket
/// s3://bucket/images/train/        keys that start with "images/train/"
/// s3://anonymous@bucket/prefix     the same, with unsigned requests (public buckets)
/// ```
///
/// The part after the bucket is the literal key prefix, as with `aws s3 ls`: it is *not*
/// percent-decoded (`%20` stays three characters), because S3 keys may contain `%` and a
/// decoding step would make such keys unreachable. Requests percent-encode it on the wire.
/// The prefix is a plain string prefix: `s3://b/train` also matches `train2/x.jpg`; end it with
/// `/` to mean a folder.
public struct S3URL: Sendable, Hashable, CustomStringConvertible {
    /// The bucket name.
    public let bucket: String
    /// The key prefix; empty for the whole bucket.
    public let prefix: String
    /// Whether requests go unsigned (the URL said `anonymous@`).
    public let anonymous: Bool

    /// The longest key S3 stores, in UTF-8 bytes.
    public static let maxKeyBytes = 1024

    /// Parses `s3://[anonymous@]bucket[/prefix]`.
    ///
    /// - Throws: ``S3Error/invalidURL(_:reason:)`` naming what is wrong.
    public init(parsing text: String) throws {
        let scheme = "s3://"
        guard text.lowercased().hasPrefix(scheme) else {
            throw S3Error.invalidURL(text, reason: "it does not start with s3://")
        }
        let rest = text.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let prefix = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : ""
        let (user, bucket) = Self.splitUser(authority)
        if let user, user != "anonymous" {
            throw S3Error.invalidURL(
                text, reason: "only 'anonymous@' may precede the bucket; credentials come from the AWS environment")
        }
        if let problem = Self.bucketProblem(bucket) { throw S3Error.invalidURL(text, reason: problem) }
        if let problem = Self.keyProblem(prefix) { throw S3Error.invalidURL(text, reason: problem) }
        self.init(bucket: String(bucket), prefix: prefix, anonymous: user != nil)
    }

    /// A location from its parts, already validated by the caller.
    init(bucket: String, prefix: String, anonymous: Bool) {
        self.bucket = bucket
        self.prefix = prefix
        self.anonymous = anonymous
    }

    /// The `s3://bucket/key` form of one object in this bucket, as reported in outputs.
    public func objectURL(key: String) -> String { "s3://\(bucket)/\(key)" }

    /// The URL as written, `anonymous@` included.
    public var description: String { "s3://\(anonymous ? "anonymous@" : "")\(bucket)/\(prefix)" }

    // MARK: - Validation

    private static func splitUser(_ authority: Substring) -> (user: String?, bucket: Substring) {
        guard let at = authority.lastIndex(of: "@") else { return (nil, authority) }
        return (String(authority[..<at]), authority[authority.index(after: at)...])
    }

    /// Why `bucket` is not a valid S3 bucket name, or nil when it is.
    ///
    /// The rules are S3's for buckets created since 2018 (3 to 63 of `a-z 0-9 . -`, starting and
    /// ending with a letter or digit); they also keep the name safe inside a host name.
    static func bucketProblem(_ bucket: Substring) -> String? {
        if bucket.isEmpty { return "the bucket name is missing" }
        guard (3...63).contains(bucket.utf8.count) else { return "a bucket name has 3 to 63 characters" }
        let allowed = bucket.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard allowed else { return "a bucket name holds only lowercase letters, digits, '.' and '-'" }
        guard let first = bucket.utf8.first, let last = bucket.utf8.last, isLowerAlphanumeric(first),
            isLowerAlphanumeric(last)
        else { return "a bucket name starts and ends with a letter or digit" }
        if bucket.contains("..") { return "a bucket name has no two adjacent dots" }
        return nil
    }

    /// Why `key` cannot be an S3 key or prefix, or nil when it can.
    static func keyProblem(_ key: String) -> String? {
        if key.utf8.count > maxKeyBytes { return "a key has at most \(maxKeyBytes) bytes" }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "a key holds no control characters"
        }
        return nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
