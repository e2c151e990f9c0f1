import Foundation

/// Writes prediction rows as JSON Lines: one object per line, keys in column order, `null` for nulls.
final class JSONLWriter: TextRowWriter {
    override func appendLine(for row: PredictionRow, to out: inout [UInt8]) {
        PredictionSchema.appendJSONObject(row, columns: columns, to: &out)
        out.append(UInt8(ascii: "\n"))
    }
}
