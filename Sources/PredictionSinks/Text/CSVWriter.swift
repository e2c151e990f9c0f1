import Foundation

/// Writes prediction rows as CSV (RFC 4180): a header row, then one record per row.
///
/// Records end in CRLF, as the RFC says. Nulls are empty fields; an empty string is `""`.
/// Lists are JSON arrays in a quoted field: `"[""tench"",""goldfish""]"`.
final class CSVWriter: TextRowWriter {
    override func header() -> [UInt8] {
        var out: [UInt8] = []
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TextEncoding.appendCSVField(Array(column.name.utf8), to: &out)
        }
        return out + [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    }

    override func appendLine(for row: PredictionRow, to out: inout [UInt8]) {
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TextEncoding.appendCSV(column.cell(in: row), to: &out)
        }
        out += [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    }
}
