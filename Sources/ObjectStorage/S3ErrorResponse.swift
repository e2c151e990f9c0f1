/// The `<Error><Code>NoSuchKey</Code>…</Error>` body S3 sends with a failure status.
struct S3ErrorResponse: Sendable, Equatable {
    /// S3's error code (`NoSuchBucket`, `AccessDenied`, `SlowDown`…), or "" when the body had none.
    var code = ""
    /// The region the bucket lives in, when the server says (`PermanentRedirect`, `AuthorizationHeaderMalformed`).
    var region: String?

    /// Reads the code from an error body; anything unreadable yields an empty code.
    init(parsing body: [UInt8]) {
        var reader = XMLReader(body)
        var fields: [String: String] = [:]
        var path: [String] = []
        var text = ""
        // Collects the text of the `Error` element's direct children, each bounded; stops at the first flaw.
        while path.count < 8, let event = try? reader.next() {
            switch event {
            case .start(let name):
                path.append(name)
                text = ""
            case .text(let more):
                if text.utf8.count < 1024 { text += more }
            case .end(let name):
                if path.count == 2, path[0] == "Error" { fields[name] = String(text.prefix(256)) }
                path.removeLast()
                text = ""
            }
        }
        code = fields["Code"] ?? ""
        region = fields["Region"]
    }

    init(code: String, region: String? = nil) {
        self.code = code
        self.region = region
    }
}
