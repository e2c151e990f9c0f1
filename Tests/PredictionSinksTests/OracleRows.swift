import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// A row as its cells, floats as bit patterns, so that NaN, -0.0 and every float compare exactly.
struct ExactRow: Equatable, CustomStringConvertible {
    /// Column name -> the cell spelled exactly, for the columns of a file with the given extras.
    let cells: [String: String]

    init(_ row: PredictionRow, extras: ExtraColumns) {
        cells = Dictionary(uniqueKeysWithValues: PredictionSchema.columns(extras).map { ($0.name, Self.exact($0.cell(in: row))) })
    }

    static func exact(_ cell: Cell) -> String {
        switch cell {
        case .null: "null"
        case .string(let v): "s:" + v.debugDescription
        case .int(let v): "i:\(v)"
        case .float(let v): "f:" + String(v.bitPattern, radix: 16)
        case .strings(let v): "S:" + v.map(\.debugDescription).joined(separator: ",")
        case .ints(let v): "I:" + v.map(String.init).joined(separator: ",")
        case .floats(let v): v.count > 8 ? "F:\(v.count) values \(v.map(\.bitPattern).hashValue)" : "F:" + v.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
        }
    }

    var description: String { cells.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

/// The oracle printed something the tests cannot interpret.
struct OracleOutputError: Error, CustomStringConvertible {
    let description: String
}

/// What `sinks_read.py` saw in one file, turned back into `PredictionRow`s per reader.
struct OracleReading {
    let json: [String: Any]

    /// Reads each file as `format` with the venv's pyarrow, DuckDB and pandas in one Python run;
    /// skips the test when there is no venv.
    static func read(_ urls: [URL], as format: OutputFormat) throws -> [OracleReading] {
        guard let python = Oracle.venvPython else {
            throw XCTSkip("no test venv (.venv-test with pyarrow, duckdb, pandas): run `make test-venv`")
        }
        let data = try Oracle.run("sinks_read.py", [format.rawValue] + urls.map(\.path), python: python)
        guard let files = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], files.count == urls.count
        else { throw OracleOutputError(description: "sinks_read.py printed no list of \(urls.count) results") }
        return files.map(OracleReading.init)
    }

    var readerNames: [String] { (json["readers"] as? [String: Any])?.keys.sorted() ?? [] }

    var parquet: [String: Any] { json["parquet"] as? [String: Any] ?? [:] }

    /// What reader `name` saw: its column names in order, and one `PredictionRow` per row.
    func rows(of name: String) throws -> (columns: [String], rows: [PredictionRow]) {
        guard let readers = json["readers"] as? [String: Any], let reader = readers[name] as? [String: Any],
            let columns = reader["columns"] as? [String], let values = reader["values"] as? [String: [Any]]
        else { throw OracleOutputError(description: "reader \(name) missing from oracle output") }
        let count = values["path"]?.count ?? 0
        guard values.values.allSatisfy({ $0.count == count }) else {
            throw OracleOutputError(description: "reader \(name) returned columns of different lengths")
        }
        let rows = try (0..<count).map { index in try Self.row(values.mapValues { $0[index] }) }
        return (columns, rows)
    }

    // MARK: - Decoding the oracle's normalised cells

    /// Every column the reader returned, decoded by the type the schema gives it.
    private static func row(_ object: [String: Any]) throws -> PredictionRow {
        guard let path = object["path"] as? String else { throw failure("path", object["path"]) }
        var row = PredictionRow(path: path)
        for column in PredictionSchema.all where column.name != "path" {
            column.set(&row, try cell(object[column.name], column))
        }
        return row
    }

    private static func cell(_ value: Any?, _ column: OutputColumn) throws -> Cell {
        let key = column.name
        if value == nil || value is NSNull { return .null }
        switch column.type {
        case .string: return try string(value, key).map(Cell.string) ?? .null
        case .int32: return try int(value, key).map(Cell.int) ?? .null
        case .float32: return try float(value, key).map(Cell.float) ?? .null
        case .stringList: return try list(value, key) { try string($0, key) }.map(Cell.strings) ?? .null
        case .int32List: return try list(value, key) { try int($0, key) }.map(Cell.ints) ?? .null
        case .float32List: return try list(value, key) { try float($0, key) }.map(Cell.floats) ?? .null
        }
    }

    private static func string(_ object: [String: Any], _ key: String) throws -> String? {
        try string(object[key], key)
    }

    private static func string(_ value: Any?, _ key: String) throws -> String? {
        if value == nil || value is NSNull { return nil }
        guard let text = value as? String else { throw failure(key, value) }
        return text
    }

    private static func int(_ value: Any?, _ key: String) throws -> Int32? {
        if value == nil || value is NSNull { return nil }
        if let integer = value as? Int, let exact = Int32(exactly: integer) { return exact }
        if let number = value as? NSNumber, let exact = Int32(exactly: number.doubleValue) { return exact }
        throw failure(key, value)
    }

    /// Floats arrive as `float.hex()` strings; float32 values are exact in a double, so the
    /// conversion back must be exact too.
    private static func float(_ value: Any?, _ key: String) throws -> Float? {
        if value == nil || value is NSNull { return nil }
        guard let text = value as? String, let double = Double(text) else { throw failure(key, value) }
        guard let exact = Float(exactly: double) ?? (double.isNaN ? Float.nan : nil) else { throw failure(key, value) }
        return exact
    }

    private static func list<T>(_ value: Any?, _ key: String, _ element: (Any) throws -> T?) throws -> [T]? {
        if value == nil || value is NSNull { return nil }
        guard let array = value as? [Any] else { throw failure(key, value) }
        return try array.map { item in
            guard let decoded = try element(item) else { throw failure(key, item) }
            return decoded
        }
    }

    private static func failure(_ key: String, _ value: Any?) -> OracleOutputError {
        OracleOutputError(description: "unexpected \(key) value from oracle: \(String(describing: value))")
    }
}

/// Asserts that every reader saw exactly `expected`, columns and their order included.
///
/// An empty JSON Lines file has no keys to name columns, so `expected` being empty there skips
/// the column check (`columnsWithoutRows: false`).
func assertEveryReader(
    _ reading: OracleReading, saw expected: [PredictionRow], extras: ExtraColumns, readers: [String],
    columnsWithoutRows: Bool = true, file: StaticString = #filePath, line: UInt = #line
) throws {
    XCTAssertEqual(reading.readerNames, readers.sorted(), file: file, line: line)
    let wanted = expected.map { ExactRow($0, extras: extras) }
    let columns = PredictionSchema.columns(extras).map(\.name)
    for name in readers {
        let (seenColumns, rows) = try reading.rows(of: name)
        if columnsWithoutRows || !expected.isEmpty {
            XCTAssertEqual(seenColumns, columns, "\(name) columns", file: file, line: line)
        }
        XCTAssertEqual(rows.count, expected.count, "\(name) row count", file: file, line: line)
        for (index, (seen, want)) in zip(rows.map { ExactRow($0, extras: extras) }, wanted).enumerated()
        where seen != want {
            XCTFail("\(name) row \(index):\n  read  \(seen)\n  wrote \(want)", file: file, line: line)
        }
    }
}
