/// Spells cells as JSON and CSV text, appending UTF-8 bytes.
///
/// Floats use Swift's shortest round-trip form (`Float.description`: `0.1`, `1e-05`), so a reader
/// that parses the text as a double and rounds it to float32 gets the written bits back.
/// JSON has no NaN or infinity: inside JSON they become `null`; a bare CSV cell spells them `NaN`,
/// `inf` and `-inf`, which pandas and Python's `float` read back.
enum TextEncoding {
    // MARK: - JSON

    /// Appends `cell` as a JSON value.
    static func appendJSON(_ cell: Cell, to out: inout [UInt8]) {
        switch cell {
        case .null: out += Array("null".utf8)
        case .string(let value): appendJSONString(value, to: &out)
        case .int(let value): out += Array(String(value).utf8)
        case .float(let value): appendJSONFloat(value, to: &out)
        case .strings(let values): appendJSONArray(values, to: &out) { appendJSONString($0, to: &$1) }
        case .ints(let values): appendJSONArray(values, to: &out) { $1 += Array(String($0).utf8) }
        case .floats(let values): appendJSONArray(values, to: &out) { appendJSONFloat($0, to: &$1) }
        }
    }

    /// Appends a quoted JSON string; quotes, backslashes and control characters are escaped,
    /// everything else (non-ASCII included) is copied as UTF-8.
    static func appendJSONString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendJSONFloat(_ value: Float, to out: inout [UInt8]) {
        out += Array((value.isFinite ? value.description : "null").utf8)
    }

    private static func appendJSONArray<T>(_ values: [T], to out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void)
    {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element(value, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    // MARK: - CSV

    /// Appends `cell` as one CSV field: empty for null, lists as a JSON array (always quoted).
    static func appendCSV(_ cell: Cell, to out: inout [UInt8]) {
        switch cell {
        case .null: break
        case .string(let value): appendCSVField(Array(value.utf8), to: &out)
        case .int(let value): out += Array(String(value).utf8)
        case .float(let value): out += Array(csvFloat(value).utf8)
        case .strings, .ints, .floats:
            var json: [UInt8] = []
            appendJSON(cell, to: &json)
            appendQuoted(json, to: &out)
        }
    }

    /// Appends a text field, quoted when RFC 4180 requires it.
    ///
    /// A field holding a comma, quote, CR or LF is quoted, with quotes doubled. An empty string is
    /// quoted too, so that it differs from a null.
    static func appendCSVField(_ bytes: [UInt8], to out: inout [UInt8]) {
        let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        if bytes.isEmpty || bytes.contains(where: special.contains) {
            appendQuoted(bytes, to: &out)
        } else {
            out += bytes
        }
    }

    private static func appendQuoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func csvFloat(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }
}
