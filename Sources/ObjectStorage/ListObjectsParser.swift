import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One page of a ListObjectsV2 response.
struct ListObjectsPage: Sendable {
    var objects: [S3Object] = []
    var isTruncated = false
    var nextContinuationToken: String?
}

/// Reads a ListObjectsV2 `ListBucketResult` document, trusting nothing in it.
///
/// ```
/// <ListBucketResult>
///   <IsTruncated>true</IsTruncated> <NextContinuationToken>…</NextContinuationToken>
///   <Contents><Key>a/b.jpg</Key><Size>1234</Size>…</Contents> …
/// </ListBucketResult>
/// ```
///
/// Keys arrive URL-encoded because requests ask for `encoding-type=url` (XML 1.0 cannot carry
/// every byte a key may hold). Texts, keys, entries per page and nesting depth are all bounded.
enum ListObjectsParser {
    /// S3 returns at most 1,000 keys a page; ten times that is certainly not S3.
    static let maxEntriesPerPage = 10_000

    /// Parses one page; `urlEncoded` says whether keys are percent-encoded.
    ///
    /// - Throws: a description of the first problem found.
    static func parse(_ document: [UInt8], urlEncoded: Bool) throws(ParseFailure) -> ListObjectsPage {
        let delegate = Delegate(urlEncoded: urlEncoded)
        let parser = XMLParser(data: Data(document))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let parsed = parser.parse()
        if let failure = delegate.failure { throw failure }
        guard parsed else { throw ParseFailure("the listing is not well-formed XML") }
        guard delegate.sawRoot else { throw ParseFailure("the document is not a ListBucketResult") }
        // Some XMLParser builds accept a document cut short; a cut listing must not pass as complete.
        guard delegate.closedRoot else { throw ParseFailure("the listing ends before </ListBucketResult>") }
        return delegate.page
    }

    /// Why a document was refused.
    struct ParseFailure: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: - SAX delegate

    private final class Delegate: NSObject, XMLParserDelegate {
        let urlEncoded: Bool
        var page = ListObjectsPage()
        var failure: ParseFailure?
        var sawRoot = false
        var closedRoot = false
        private var path: [String] = []
        private var text = ""
        private var key: String?
        private var size: Int?

        /// Enough for a 1,024-byte key percent-encoded three bytes per byte, with room to spare.
        private static let maxTextBytes = 4 * S3URL.maxKeyBytes
        private static let maxDepth = 16

        init(urlEncoded: Bool) { self.urlEncoded = urlEncoded }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if path.isEmpty {
                guard name == "ListBucketResult" else { return fail(parser, "the document is not a ListBucketResult") }
                sawRoot = true
            }
            guard path.count < Self.maxDepth else { return fail(parser, "the listing nests too deeply") }
            path.append(name)
            text = ""
            if path == ["ListBucketResult", "Contents"] { (key, size) = (nil, nil) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard text.utf8.count + string.utf8.count <= Self.maxTextBytes else {
                return fail(parser, "a listing field is longer than \(Self.maxTextBytes) bytes")
            }
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch path {
            case ["ListBucketResult", "IsTruncated"]: page.isTruncated = text == "true"
            case ["ListBucketResult", "NextContinuationToken"]: page.nextContinuationToken = text
            case ["ListBucketResult", "Contents", "Key"]: readKey(parser)
            case ["ListBucketResult", "Contents", "Size"]: readSize(parser)
            case ["ListBucketResult", "Contents"]: finishEntry(parser)
            default: break
            }
            path.removeLast()
            if path.isEmpty { closedRoot = true }
            text = ""
        }

        private func readKey(_ parser: XMLParser) {
            let decoded = urlEncoded ? URIEncoding.decodeFormEncoded(text) : text
            guard let decoded else { return fail(parser, "a key is not valid percent-encoded UTF-8") }
            if let problem = S3URL.keyProblem(decoded) { return fail(parser, "listed key refused: \(problem)") }
            key = decoded
        }

        private func readSize(_ parser: XMLParser) {
            guard let value = Int(text), value >= 0 else { return fail(parser, "an object size is not a count of bytes") }
            size = value
        }

        private func finishEntry(_ parser: XMLParser) {
            guard let key, let size else { return fail(parser, "an entry lacks its Key or Size") }
            guard page.objects.count < ListObjectsParser.maxEntriesPerPage else {
                return fail(parser, "a page lists more than \(ListObjectsParser.maxEntriesPerPage) objects")
            }
            page.objects.append(S3Object(key: key, size: size))
        }

        private func fail(_ parser: XMLParser, _ reason: String) {
            if failure == nil { failure = ParseFailure(reason) }
            parser.abortParsing()
        }
    }
}
