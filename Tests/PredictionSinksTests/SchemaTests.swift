import Foundation
import XCTest

@testable import PredictionSinks

/// The one schema: its columns, its JSON description and the JSON line every text path prints.
final class SchemaTests: XCTestCase {
    func testColumnNamesAreUniqueAndExtrasOnlyAdd() {
        let names = PredictionSchema.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(
            PredictionSchema.columns([]).map(\.name),
            ["path", "label", "class_index", "confidence", "top_k_labels", "top_k_indices", "top_k_probs", "error"])
        let all: ExtraColumns = [.trueLabels, .logits, .embeddings]
        XCTAssertEqual(PredictionSchema.columns(all).map(\.name), names)
        XCTAssertEqual(PredictionSchema.columns(.embeddings).last?.name, "embedding")
        XCTAssertFalse(PredictionSchema.all[0].nullable, "path is the one required column")
    }

    func testSchemaJSONDescribesEveryColumn() throws {
        let json = try JSONSerialization.jsonObject(with: Data(PredictionSchema.json([.logits, .embeddings]).utf8)) as? [String: Any]
        let columns = try XCTUnwrap(json?["columns"] as? [[String: Any]])
        XCTAssertEqual(columns.map { $0["name"] as? String }, PredictionSchema.columns([.logits, .embeddings]).map(\.name))
        XCTAssertEqual(columns.first { $0["name"] as? String == "embedding" }?["type"] as? String, "list<float32>")
        XCTAssertEqual(columns.first { $0["name"] as? String == "embedding" }?["extra"] as? String, "embeddings")
        XCTAssertEqual(json?["metadata_keys"] as? [String], PredictionSchema.MetadataKey.allCases.map(\.rawValue))
    }

    func testJSONObjectUsesColumnKeysAndDoesNotEscapeSlashes() throws {
        let row = PredictionRow(
            path: "s3://bucket/a/b.jpg", label: "tench", classIndex: 0, confidence: 0.5, topKLabels: ["tench"],
            topKIndices: [0], topKProbs: [0.5], logits: [1, 2])
        let line = PredictionSchema.jsonObject(row, columns: PredictionSchema.columns(.logits))
        XCTAssertTrue(line.hasPrefix(#"{"path":"s3://bucket/a/b.jpg","label":"tench""#), line)
        XCTAssertFalse(line.contains(#"\/"#))
        XCTAssertTrue(line.contains(#""error":null"#), line)
        XCTAssertTrue(line.hasSuffix(#""logits":[1.0,2.0]}"#), line)
    }

    func testRowCodecRoundTripsEveryColumnExactly() throws {
        var full = PredictionRow(
            path: "a/😀.jpg", label: "l", classIndex: 7, confidence: -0.0, topKLabels: ["l", ""], topKIndices: [7, -1],
            topKProbs: [.nan, .infinity], trueLabel: "t", trueIndex: 3, logits: [], embedding: [.leastNonzeroMagnitude, 1e30])
        full.error = nil
        let rows = [full, .failure(path: "b.png", error: "bad\nfile"), PredictionRow(path: "")]
        let decoded = try RowCodec.decode(RowCodec.encode(rows))
        let all: ExtraColumns = [.trueLabels, .logits, .embeddings]
        XCTAssertEqual(decoded.map { ExactRow($0, extras: all) }, rows.map { ExactRow($0, extras: all) })
    }

    func testRowCodecRefusesTruncatedOrHostileBytes() {
        let bytes = RowCodec.encode([PredictionRow(path: "x", logits: [1, 2, 3])])
        for cut in 1..<bytes.count { XCTAssertThrowsError(try RowCodec.decode(Array(bytes[0..<cut])), "cut at \(cut)") }
        // A list claiming 2^32-1 elements must be refused before anything is allocated.
        XCTAssertThrowsError(try RowCodec.decode([1, 1, 0, 0, 0, 0x78, 6, 0xFF, 0xFF, 0xFF, 0xFF]))
    }
}
