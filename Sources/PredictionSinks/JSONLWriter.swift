import Foundation

/// Writes prediction rows as JSON Lines: one object per line, keys in column order, `null` for nulls.
final class JSONLWriter: TextRowWriter {
    override func appendLine(for row: PredictionRow, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TextEncoding.appendJSONString(column.name, to: &out)
            out.append(UInt8(ascii: ":"))
            TextEncoding.appendJSON(column.cell(in: row), to: &out)
        }
        out += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
    }
}
