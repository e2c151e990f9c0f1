/// A JSON value with object keys kept in file order (safetensors' header order is its key order).
enum JSONValue {
    case null
    case bool(Bool)
    /// The literal's text, so integers beyond 2^53 are not rounded through Double.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The value of an integer literal that fits in `Int`.
    var integer: Int? {
        if case .number(let text) = self { Int(text) } else { nil }
    }
}

/// A small strict JSON parser (RFC 8259) with a nesting bound, for safetensors headers.
///
/// Written here rather than using `JSONSerialization` because the header's key order matters and
/// the input is hostile: depth is bounded by `maxDepth`, and everything is bounds-checked.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private let maxDepth: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int, maxDepth: Int = 8) {
        self.bytes = bytes
        self.position = start
        self.end = min(end, bytes.count)
        self.maxDepth = maxDepth
    }

    /// Parses one value that must span the whole window, apart from whitespace.
    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == end else { throw error("trailing characters") }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        skipWhitespace()
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth)") }
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard try next() == UInt8(ascii: ":") else { throw error("expected ':'") }
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(members)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(items)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = position
        while position < end, let byte = Optional(bytes[position]),
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "+-.eE".utf8.contains(byte) {
            position += 1
        }
        guard position > start else { throw error("unexpected character") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    // MARK: - Strings

    private mutating func parseString() throws -> String {
        position += 1
        var utf8: [UInt8] = []
        while true {
            let byte = try next()
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"): try appendEscape(to: &utf8)
            case 0..<0x20: throw error("control character in string")
            default: utf8.append(byte)
            }
        }
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws {
        let escape = try next()
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let byte = simple[escape] { utf8.append(byte); return }
        guard escape == UInt8(ascii: "u") else { throw error("bad escape") }
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") {
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = UInt32(String(UnicodeScalar(try next())), radix: 16) else { throw error("bad \\u escape") }
            value = value << 4 | digit
        }
        return value
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() {
        while position < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private func peek() throws -> UInt8 {
        guard position < end else { throw error("unexpected end") }
        return bytes[position]
    }

    private mutating func next() throws -> UInt8 {
        let byte = try peek()
        position += 1
        return byte
    }

    private mutating func expect(_ word: String) throws {
        for byte in word.utf8 { guard try next() == byte else { throw error("unexpected character") } }
    }

    private func error(_ what: String) -> FormatProblem {
        .malformed("safetensors header is not valid JSON: \(what) at offset \(position)")
    }
}
