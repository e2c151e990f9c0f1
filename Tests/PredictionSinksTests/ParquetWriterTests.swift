import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// Files from our Parquet writer, judged by pyarrow, DuckDB and pandas (`Tests/Oracles/sinks_read.py`).
final class ParquetWriterTests: XCTestCase {
    private let readers = ["duckdb", "pandas", "pyarrow"]
    private let metadata = [
        ("model", "resnet152"), ("weights_sha256", String(repeating: "ab", count: 32)),
        ("preprocessing", "resize 256, center crop 224, ImageNet mean/std"), ("version", "0.1.0 ✓"),
    ]
    private var folder = URL(fileURLWithPath: NSTemporaryDirectory())

    override func setUpWithError() throws { folder = try TestData.temporaryDirectory("sinks-parquet") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testMixedRowsReadBackExactlyWithEveryCompression() throws {
        let rows = SampleRows.mixed()
        let options = ParquetCompression.allCases.map { SinkOptions(compression: $0, metadata: metadata) }
        let urls = try options.map { try write(rows, $0, name: "mixed-\($0.compression)") }
        for (reading, options) in zip(try OracleReading.read(urls, as: .parquet), options) {
            try assertEveryReader(reading, saw: rows, extras: [], readers: readers)
            assertFooter(reading, rows: rows, options: options, rowGroupRows: [10])
        }
    }

    func testTenRowsInGroupsOfThreeLeaveLogitsOutUnlessAsked() throws {
        let rows = SampleRows.mixed(logits: true)
        let options = SinkOptions(rowGroupSize: 3, metadata: metadata)
        let reading = try writeAndRead(rows, options, name: "groups")
        try assertEveryReader(reading, saw: rows, extras: [], readers: readers)
        assertFooter(reading, rows: rows, options: options, rowGroupRows: [3, 3, 3, 1])
    }

    func testLogitsColumnHoldsEveryFloatBitForBit() throws {
        var rows = SampleRows.mixed(logits: true)
        rows[0].logits?.replaceSubrange(0..<5, with: [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude])
        rows[2].logits = []  // an empty list is distinct from a null one
        let options = [ParquetCompression.zstd, .snappy].map {
            SinkOptions(extras: .logits, compression: $0, rowGroupSize: 4)
        }
        let urls = try options.map { try write(rows, $0, name: "logits-\($0.compression)") }
        for (reading, options) in zip(try OracleReading.read(urls, as: .parquet), options) {
            try assertEveryReader(reading, saw: rows, extras: .logits, readers: readers)
            assertFooter(reading, rows: rows, options: options, rowGroupRows: [4, 4, 2])
        }
    }

    func testZeroRowsMakeAValidEmptyFile() throws {
        let options = SinkOptions(extras: .logits, metadata: metadata)
        let reading = try writeAndRead([], options, name: "empty")
        try assertEveryReader(reading, saw: [], extras: .logits, readers: readers)
        assertFooter(reading, rows: [], options: options, rowGroupRows: [])
    }

    func testTenThousandRowsInThreeRowGroups() throws {
        let rows = SampleRows.many(10_000)
        let options = SinkOptions(rowGroupSize: 4_000, metadata: metadata)
        let reading = try writeAndRead(rows, options, name: "many")
        try assertEveryReader(reading, saw: rows, extras: [], readers: readers)
        assertFooter(reading, rows: rows, options: options, rowGroupRows: [4_000, 4_000, 2_000])
    }

    func testManyPagesPerColumnChunk() throws {
        let rows = SampleRows.many(60, k: 3, logits: 20)
        let options = SinkOptions(extras: .logits, compression: .snappy, rowGroupSize: 25)
        let url = folder.appendingPathComponent("pages.parquet")
        let writer = try ParquetWriter(url: url, options: options, pageSizeTarget: 100)
        try writer.append(rows)
        try writer.finish()
        let reading = try OracleReading.read([url], as: .parquet)[0]
        try assertEveryReader(reading, saw: rows, extras: .logits, readers: readers)
        assertFooter(reading, rows: rows, options: options, rowGroupRows: [25, 25, 10])
    }

    // MARK: - Helpers

    /// Writes `rows` in uneven batches, so that buffering crosses `append` calls.
    private func write(_ rows: [PredictionRow], _ options: SinkOptions, name: String) throws -> URL {
        let url = folder.appendingPathComponent("\(name).parquet")
        let sink = try Sinks.open(.parquet, at: url, options: options)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + 1 + start % 5)
            try sink.append(Array(rows[start..<end]))
            start = end
        }
        try sink.finish()
        return url
    }

    private func writeAndRead(_ rows: [PredictionRow], _ options: SinkOptions, name: String) throws -> OracleReading {
        try OracleReading.read([write(rows, options, name: name)], as: .parquet)[0]
    }

    /// Checks the footer facts pyarrow reports against what the options and rows imply.
    private func assertFooter(
        _ reading: OracleReading, rows: [PredictionRow], options: SinkOptions, rowGroupRows: [Int],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let facts = reading.parquet
        XCTAssertEqual(facts["num_rows"] as? Int, rows.count, file: file, line: line)
        XCTAssertEqual(facts["row_group_rows"] as? [Int], rowGroupRows, file: file, line: line)
        XCTAssertEqual(facts["created_by"] as? String, "batchvision version 0.1.0", file: file, line: line)
        let pairs = options.metadata.map { [$0.0, $0.1] }
        XCTAssertEqual(
            facts["key_value"] as? [String: String], Dictionary(uniqueKeysWithValues: options.metadata), file: file,
            line: line)
        XCTAssertEqual(facts["key_value_in_order"] as? [[String]], pairs, file: file, line: line)
        XCTAssertEqual(facts["arrow_schema"] as? [String: String], expectedArrowSchema(options), file: file, line: line)
        XCTAssertEqual(facts["chunks_tile_file"] as? Bool, true, "chunk offsets and sizes", file: file, line: line)
        assertLeaves(facts["leaves"] as? [[String: Any]] ?? [], options: options, file: file, line: line)
        assertChunks(facts["chunks"] as? [[String: Any]] ?? [], rows: rows, options: options, file: file, line: line)
    }

    private func expectedArrowSchema(_ options: SinkOptions) -> [String: String] {
        var schema = [
            "path": "string", "label": "string", "class_index": "int32", "confidence": "float",
            "top_k_labels": "list<element: string>", "top_k_indices": "list<element: int32>",
            "top_k_probs": "list<element: float>", "error": "string",
        ]
        if options.extras.contains(.logits) { schema["logits"] = "list<element: float>" }
        return schema
    }

    private func assertLeaves(_ leaves: [[String: Any]], options: SinkOptions, file: StaticString, line: UInt) {
        let columns = ParquetSchema.columns(options.extras)
        XCTAssertEqual(
            leaves.map { $0["path"] as? String }, columns.map { $0.pathInSchema.joined(separator: ".") }, file: file,
            line: line)
        for (leaf, column) in zip(leaves, columns) {
            let (definition, repetition): (Int, Int) =
                switch column.shape {
                case .required: (0, 0)
                case .optional: (1, 0)
                case .optionalList: (3, 1)
                }
            XCTAssertEqual(leaf["max_definition_level"] as? Int, definition, column.name, file: file, line: line)
            XCTAssertEqual(leaf["max_repetition_level"] as? Int, repetition, column.name, file: file, line: line)
            XCTAssertEqual(
                leaf["logical_type"] as? String, column.isString ? "String" : "None", column.name, file: file,
                line: line)
            XCTAssertEqual(
                leaf["converted_type"] as? String, column.isString ? "UTF8" : "NONE", column.name, file: file,
                line: line)
        }
    }

    /// Codec, encodings and `num_values` (level entries: one per scalar, per list element, or
    /// per null or empty list) of every column chunk.
    private func assertChunks(
        _ chunks: [[String: Any]], rows: [PredictionRow], options: SinkOptions, file: StaticString, line: UInt
    ) {
        let columns = ParquetSchema.columns(options.extras)
        let groups = stride(from: 0, to: rows.count, by: options.rowGroupSize).map {
            rows[$0..<min(rows.count, $0 + options.rowGroupSize)]
        }
        let codec = ["zstd": "ZSTD", "snappy": "SNAPPY", "none": "UNCOMPRESSED"][options.compression.rawValue]
        XCTAssertEqual(chunks.count, groups.count * columns.count, file: file, line: line)
        for (chunk, (group, column)) in zip(chunks, groups.flatMap { g in columns.map { (g, $0) } }) {
            XCTAssertEqual(chunk["compression"] as? String, codec, file: file, line: line)
            XCTAssertEqual(Set(chunk["encodings"] as? [String] ?? []), ["PLAIN", "RLE"], file: file, line: line)
            XCTAssertEqual(
                chunk["num_values"] as? Int, group.map { levelCount($0, column) }.reduce(0, +), column.name, file: file,
                line: line)
        }
    }

    private func levelCount(_ row: PredictionRow, _ column: ParquetColumn) -> Int {
        switch column.column.cell(in: row) {
        case .strings(let v): max(1, v.count)
        case .ints(let v): max(1, v.count)
        case .floats(let v): max(1, v.count)
        default: 1
        }
    }
}
