/// The schema and its rows as JSON text: the JSONL line format (also `predict --json`'s), and a
/// description of the columns that the C ABI hands to the Python package.
extension PredictionSchema {
    /// `row` as one JSON object, keys in column order, `null` for nulls, no trailing newline.
    public static func jsonObject(_ row: PredictionRow, columns: [OutputColumn]) -> String {
        var out: [UInt8] = []
        appendJSONObject(row, columns: columns, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendJSONObject(_ row: PredictionRow, columns: [OutputColumn], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TextEncoding.appendJSONString(column.name, to: &out)
            out.append(UInt8(ascii: ":"))
            TextEncoding.appendJSON(column.cell(in: row), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The columns of a file with `extras` and the metadata keys, as JSON:
    /// `{"columns": [{"name": "path", "type": "string", "nullable": false, "extra": null}, ...],
    ///   "metadata_keys": ["batchvision.version", ...]}`.
    public static func json(_ extras: ExtraColumns) -> String {
        var out: [UInt8] = Array(#"{"columns":["#.utf8)
        for (index, column) in columns(extras).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"name":"#.utf8)
            TextEncoding.appendJSONString(column.name, to: &out)
            out += Array(#","type":"#.utf8)
            TextEncoding.appendJSONString(column.type.rawValue, to: &out)
            out += Array(#","nullable":\#(column.nullable),"extra":"#.utf8)
            if let extra = column.extra.flatMap(extraName) {
                TextEncoding.appendJSONString(extra, to: &out)
            } else {
                out += Array("null".utf8)
            }
            out += Array(#","summary":"#.utf8)
            TextEncoding.appendJSONString(column.summary, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += Array(#"],"metadata_keys":["#.utf8)
        for (index, key) in MetadataKey.allCases.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TextEncoding.appendJSONString(key.rawValue, to: &out)
        }
        out += Array("]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The name of one extra-column group, as the CLI's `--emit` and the schema JSON spell it.
    public static func extraName(_ extra: ExtraColumns) -> String? {
        switch extra {
        case .trueLabels: "true_labels"
        case .logits: "logits"
        case .embeddings: "embeddings"
        default: nil
        }
    }
}
