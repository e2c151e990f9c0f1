import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// JSON Lines files read back by Python's json module (strict) and pandas `read_json(lines=True)`.
final class JSONLWriterTests: XCTestCase {
    private let readers = ["json", "pandas"]
    private var folder = URL(fileURLWithPath: NSTemporaryDirectory())

    override func setUpWithError() throws { folder = try TestData.temporaryDirectory("sinks-jsonl") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testEveryReaderSeesWhatWasWritten() throws {
        let cases: [(String, [PredictionRow], SinkOptions)] = [
            ("mixed", SampleRows.mixed(logits: true), SinkOptions()),
            ("logits", SampleRows.mixed(logits: true), SinkOptions(extras: .logits)),
            ("empty", [], SinkOptions()),
            ("many", SampleRows.many(2_000), SinkOptions()),
        ]
        let urls = try cases.map { try write($0.1, $0.2, name: $0.0) }
        for (reading, (_, rows, options)) in zip(try OracleReading.read(urls, as: .jsonl), cases) {
            try assertEveryReader(
                reading, saw: rows, extras: options.extras, readers: readers, columnsWithoutRows: false)
        }
    }

    func testLinesAreCompactObjectsWithNullsAndShortestFloats() throws {
        let rows = [
            PredictionRow(
                path: "ü/\"q\"\\\n\u{1}.jpg", label: "tench, Tinca tinca", classIndex: 0, confidence: 0.1,
                topKLabels: ["tench, Tinca tinca"], topKIndices: [0], topKProbs: [0.1]),
            .failure(path: "bad.jpg", error: "tab\there"),
            PredictionRow(
                path: "x", confidence: .infinity, topKProbs: [.greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0],
                logits: [1]),
        ]
        let text = try String(contentsOf: write(rows, SinkOptions(), name: "golden"), encoding: .utf8)
        let expected = [
            #"{"path":"ü/\"q\"\\\n\u0001.jpg","label":"tench, Tinca tinca","class_index":0,"confidence":0.1,"#
                + #""top_k_labels":["tench, Tinca tinca"],"top_k_indices":[0],"top_k_probs":[0.1],"error":null}"#,
            #"{"path":"bad.jpg","label":null,"class_index":null,"confidence":null,"top_k_labels":null,"#
                + #""top_k_indices":null,"top_k_probs":null,"error":"tab\there"}"#,
            #"{"path":"x","label":null,"class_index":null,"confidence":null,"top_k_labels":null,"#
                + #""top_k_indices":null,"top_k_probs":[3.4028235e+38,1e-45,-0.0],"error":null}"#,
        ]
        XCTAssertEqual(text, expected.map { $0 + "\n" }.joined())
    }

    private func write(_ rows: [PredictionRow], _ options: SinkOptions, name: String) throws -> URL {
        let url = folder.appendingPathComponent("\(name).jsonl")
        let sink = try Sinks.open(.jsonl, at: url, options: options)
        try sink.append(Array(rows.prefix(3)))
        try sink.append(Array(rows.dropFirst(3)))
        try sink.finish()
        return url
    }
}
