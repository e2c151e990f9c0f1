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

    /// Enough for a 1,024-byte key percent-encoded three bytes per byte, with room to spare.
    private static let maxTextBytes = 4 * S3URL.maxKeyBytes
    private static let maxDepth = 16

    /// Parses one page; `urlEncoded` says whether keys are percent-encoded.
    ///
    /// - Throws: a description of the first problem found.
    static func parse(_ document: [UInt8], urlEncoded: Bool) throws(ParseFailure) -> ListObjectsPage {
        var reader = XMLReader(document)
        var page = ListObjectsPage()
        var path: [String] = []
        var text = ""
        var entry: (key: String?, size: Int?) = (nil, nil)
        while true {
            let event: XMLReader.Event?
            do { event = try reader.next() } catch { throw ParseFailure("the listing is not well-formed XML (\(error.reason))") }
            guard let event else { break }
            switch event {
            case .start(let name):
                if path.isEmpty, name != "ListBucketResult" { throw ParseFailure("the document is not a ListBucketResult") }
                guard path.count < maxDepth else { throw ParseFailure("the listing nests too deeply") }
                path.append(name)
                text = ""
                if path == ["ListBucketResult", "Contents"] { entry = (nil, nil) }
            case .text(let more):
                guard text.utf8.count + more.utf8.count <= maxTextBytes else {
                    throw ParseFailure("a listing field is longer than \(maxTextBytes) bytes")
                }
                text += more
            case .end:
                switch path {
                case ["ListBucketResult", "IsTruncated"]: page.isTruncated = text == "true"
                case ["ListBucketResult", "NextContinuationToken"]: page.nextContinuationToken = text
                case ["ListBucketResult", "Contents", "Key"]: entry.key = try key(text, urlEncoded: urlEncoded)
                case ["ListBucketResult", "Contents", "Size"]: entry.size = try size(text)
                case ["ListBucketResult", "Contents"]: try append(entry, to: &page)
                default: break
                }
                path.removeLast()
                text = ""
            }
        }
        return page
    }

    /// Why a document was refused.
    struct ParseFailure: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: - Fields

    private static func key(_ text: String, urlEncoded: Bool) throws(ParseFailure) -> String {
        let decoded = urlEncoded ? URIEncoding.decodeFormEncoded(text) : text
        guard let decoded else { throw ParseFailure("a key is not valid percent-encoded UTF-8") }
        if let problem = S3URL.keyProblem(decoded) { throw ParseFailure("listed key refused: \(problem)") }
        return decoded
    }

    private static func size(_ text: String) throws(ParseFailure) -> Int {
        guard let value = Int(text), value >= 0 else { throw ParseFailure("an object size is not a count of bytes") }
        return value
    }

    private static func append(_ entry: (key: String?, size: Int?), to page: inout ListObjectsPage) throws(ParseFailure) {
        guard let key = entry.key, let size = entry.size else { throw ParseFailure("an entry lacks its Key or Size") }
        guard page.objects.count < maxEntriesPerPage else {
            throw ParseFailure("a page lists more than \(maxEntriesPerPage) objects")
        }
        page.objects.append(S3Object(key: key, size: size))
    }
}
