import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests sent in the `Authorization` header.
///
/// The recipe, from the AWS "Signature Version 4" reference (S3 flavour: paths are encoded once,
/// never normalized):
///
/// ```
/// canonical request = METHOD \n /encoded/path \n sorted&encoded=query \n name:value\n...
///                     \n signed;header;names \n payload-hash
/// string to sign    = AWS4-HMAC-SHA256 \n 20130524T000000Z \n 20130524/region/s3/aws4_request
///                     \n hex(sha256(canonical request))
/// signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), "s3"), "aws4_request")
/// signature         = hex(HMAC(signing key, string to sign))
/// ```
struct SigV4Signer: Sendable {
    let credentials: S3Credentials
    let region: String
    let service = "s3"

    /// The payload hash of an empty body, which every GET sends.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Declares that the body is not covered by the signature (allowed by S3 over any transport).
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// One request as the signer sees it.
    struct Request {
        var method: String
        /// The path, already percent-encoded exactly as it goes on the wire.
        var encodedPath: String
        /// Query parameters, not yet encoded.
        var query: [(name: String, value: String)]
        /// Headers to sign; `host` must be among them. Names in any case.
        var headers: [(name: String, value: String)]
    }

    // MARK: - Signing

    /// The headers to add to `request`: `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token` when there is a session token, and `authorization`.
    func signingHeaders(for request: Request, payloadHash: String, date: Date) -> [(name: String, value: String)] {
        let timestamp = Self.timestamp(date)
        var added: [(name: String, value: String)] = [("x-amz-date", timestamp), ("x-amz-content-sha256", payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signed = request
        signed.headers += added
        let canonical = canonicalRequest(signed, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: canonical.text, timestamp: timestamp)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(timestamp)),"
            + " SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return added + [("authorization", authorization)]
    }

    /// The canonical request text and the `;`-joined signed header names.
    func canonicalRequest(_ request: Request, payloadHash: String) -> (text: String, signedHeaders: String) {
        let headers = Dictionary(
            request.headers.map { ($0.name.lowercased(), Self.normalizeHeaderValue($0.value)) },
            uniquingKeysWith: { first, second in "\(first),\(second)" }
        ).sorted { $0.key < $1.key }
        let signedHeaders = headers.map(\.key).joined(separator: ";")
        let text = [
            request.method,
            request.encodedPath,
            Self.canonicalQuery(request.query),
            headers.map { "\($0.key):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// The hex signature of a canonical request made at `timestamp` (`yyyyMMdd'T'HHmmss'Z'`).
    func signature(canonicalRequest: String, timestamp: String) -> String {
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp, scope(timestamp), Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = signingKey(day: String(timestamp.prefix(8)))
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// The key derived from the secret for one day, region and service.
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    // MARK: - Canonical forms

    private func scope(_ timestamp: String) -> String { "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request" }

    /// `name=value` pairs, each side RFC 3986 encoded, sorted by name then value.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map {
            (URIEncoding.encode($0.name), URIEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Trims the value and collapses runs of spaces, as the canonical header form requires.
    private static func normalizeHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let v = value ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var out = String.UnicodeScalarView()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(out)
    }
}
