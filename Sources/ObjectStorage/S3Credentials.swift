/// An AWS access key pair, with the session token that temporary credentials carry.
public struct S3Credentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The key id only: the secret must never reach a log.
    public var description: String { "S3Credentials(\(accessKeyID), secret redacted)" }
}
