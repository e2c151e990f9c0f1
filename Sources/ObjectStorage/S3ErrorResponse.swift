import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The `<Error><Code>NoSuchKey</Code>…</Error>` body S3 sends with a failure status.
struct S3ErrorResponse: Sendable, Equatable {
    /// S3's error code (`NoSuchBucket`, `AccessDenied`, `SlowDown`…), or "" when the body had none.
    var code = ""
    /// The region the bucket lives in, when the server says (`PermanentRedirect`, `AuthorizationHeaderMalformed`).
    var region: String?

    /// Reads the code from an error body; anything unreadable yields an empty code.
    init(parsing body: [UInt8]) {
        guard !body.isEmpty else { return }
        let delegate = Delegate()
        let parser = XMLParser(data: Data(body))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        _ = parser.parse()
        code = delegate.fields["Code"] ?? ""
        region = delegate.fields["Region"]
    }

    init(code: String, region: String? = nil) {
        self.code = code
        self.region = region
    }

    /// Collects the text of the `Error` element's direct children, each bounded.
    private final class Delegate: NSObject, XMLParserDelegate {
        var fields: [String: String] = [:]
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard path.count < 8 else { return parser.abortParsing() }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if text.utf8.count < 1024 { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path.count == 2, path[0] == "Error" { fields[name] = String(text.prefix(256)) }
            path.removeLast()
            text = ""
        }
    }
}
