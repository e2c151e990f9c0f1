/// A small pull reader for the XML that S3 answers with (`ListBucketResult`, `Error`).
///
/// Foundation's `XMLParser` lives in FoundationXML, which drags libxml2 into every binary that
/// links it, including the statically linked C ABI library Python loads. S3's documents use a
/// sliver of XML, so this reads that sliver and refuses the rest: elements (attributes are
/// checked and skipped), character data with the five predefined entities and numeric character
/// references, CDATA sections, comments and processing instructions. A `<!DOCTYPE` is refused,
/// so no entity can be declared, let alone expanded or fetched.
///
/// The reader checks well-formedness as it goes (matching end tags, one root element, nothing
/// but whitespace, comments and processing instructions outside it) and never allocates more
/// than the document's own size.
struct XMLReader {
    /// One step through the document.
    enum Event: Equatable {
        case start(String)
        case text(String)
        case end(String)
    }

    /// Why a document is not the XML this reader accepts; `offset` is a byte position.
    struct Malformed: Error, Equatable {
        let reason: String
        let offset: Int
    }

    private let bytes: [UInt8]
    private var position = 0
    private var open: [String] = []
    private var sawRoot = false
    private var pendingEnd: String?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next event, or `nil` at a well-formed end of the document.
    mutating func next() throws(Malformed) -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return closeElement(name)
        }
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                let text = try readText()
                if open.isEmpty {
                    guard text.utf8.allSatisfy(Self.isSpace) else { throw malformed("text outside the root element") }
                    continue
                }
                return .text(text)
            }
            if starts(with: "<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "comment")
            } else if starts(with: "<![CDATA[") {
                guard !open.isEmpty else { throw malformed("CDATA outside the root element") }
                position += 9
                let start = position
                try skip(past: "]]>", what: "CDATA section")
                return .text(try string(bytes[start..<(position - 3)]))
            } else if starts(with: "<!") {
                throw malformed("document type declarations are not accepted")
            } else if starts(with: "</") {
                return try readEndTag()
            } else {
                return try readStartTag()
            }
        }
        guard sawRoot else { throw malformed("the document has no root element") }
        guard open.isEmpty else { throw malformed("the document ends inside <\(open.last!)>") }
        return nil
    }

    // MARK: - Tags

    private mutating func readStartTag() throws(Malformed) -> Event {
        guard open.isEmpty ? !sawRoot : true else { throw malformed("a second root element") }
        position += 1
        let name = try readName()
        while true {
            skipSpace()
            guard position < bytes.count else { throw malformed("the document ends inside <\(name)>") }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                break
            }
            if starts(with: "/>") {
                position += 2
                pendingEnd = name
                break
            }
            try skipAttribute()
        }
        sawRoot = true
        open.append(name)
        return .start(name)
    }

    private mutating func readEndTag() throws(Malformed) -> Event {
        position += 2
        let name = try readName()
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw malformed("</\(name) is not closed") }
        position += 1
        guard open.last == name else {
            throw malformed(open.last.map { "</\(name)> closes <\($0)>" } ?? "</\(name)> closes nothing")
        }
        return closeElement(name)
    }

    private mutating func closeElement(_ name: String) -> Event {
        open.removeLast()
        return .end(name)
    }

    /// `name = "value"` or `name = 'value'`; the value may not hold `<`.
    private mutating func skipAttribute() throws(Malformed) {
        _ = try readName()
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw malformed("an attribute lacks its value") }
        position += 1
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw malformed("an attribute value is not quoted")
        }
        let quote = bytes[position]
        position += 1
        while position < bytes.count, bytes[position] != quote {
            guard bytes[position] != UInt8(ascii: "<") else { throw malformed("'<' inside an attribute value") }
            position += 1
        }
        guard position < bytes.count else { throw malformed("an attribute value is not closed") }
        position += 1
    }

    private mutating func readName() throws(Malformed) -> String {
        let start = position
        while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
        guard position > start, !Self.isDigitOrPunctuation(bytes[start]) else { throw malformed("a tag has no valid name") }
        return try string(bytes[start..<position])
    }

    // MARK: - Character data

    /// Text up to the next `<`, with entity and character references replaced.
    private mutating func readText() throws(Malformed) -> String {
        var decoded: [UInt8] = []
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") {
            if bytes[position] == UInt8(ascii: "&") {
                try readReference(into: &decoded)
            } else {
                decoded.append(bytes[position])
                position += 1
            }
        }
        return try string(decoded[...])
    }

    private mutating func readReference(into decoded: inout [UInt8]) throws(Malformed) {
        let start = position + 1
        guard let semicolon = bytes[start..<min(bytes.count, start + 12)].firstIndex(of: UInt8(ascii: ";")) else {
            throw malformed("an '&' that starts no reference")
        }
        let name = String(decoding: bytes[start..<semicolon], as: UTF8.self)
        position = semicolon + 1
        switch name {
        case "lt": decoded.append(UInt8(ascii: "<"))
        case "gt": decoded.append(UInt8(ascii: ">"))
        case "amp": decoded.append(UInt8(ascii: "&"))
        case "quot": decoded.append(UInt8(ascii: "\""))
        case "apos": decoded.append(UInt8(ascii: "'"))
        default:
            guard let scalar = Self.characterReference(name) else { throw malformed("unknown reference &\(name);") }
            decoded += Array(String(Character(scalar)).utf8)
        }
    }

    /// `#65` or `#x41`, when it names a character XML allows.
    private static func characterReference(_ name: String) -> Unicode.Scalar? {
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value == 0x9 || value == 0xA || value == 0xD || value >= 0x20 else { return nil }
        return Unicode.Scalar(value)
    }

    // MARK: - Bytes

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { bytes[position..<(position + count)].elementsEqual($0) }
    }

    private mutating func skip(past terminator: StaticString, what: String) throws(Malformed) {
        while position < bytes.count {
            if starts(with: terminator) {
                position += terminator.utf8CodeUnitCount
                return
            }
            position += 1
        }
        throw malformed("a \(what) is not closed")
    }

    private mutating func skipSpace() {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
    }

    private func string(_ slice: ArraySlice<UInt8>) throws(Malformed) -> String {
        guard let text = String(validating: slice, as: UTF8.self) else { throw malformed("text is not UTF-8") }
        return text
    }

    private func malformed(_ reason: String) -> Malformed { Malformed(reason: reason, offset: position) }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Letters, digits, `_ - . :` and any non-ASCII byte (names may be Unicode).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), 0x80...:
            true
        default: false
        }
    }

    private static func isDigitOrPunctuation(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
