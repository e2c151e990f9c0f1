import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// CSV files read back by pandas (as text and with type inference) and Python's csv module.
final class CSVWriterTests: XCTestCase {
    private let readers = ["csv", "pandas", "pandas_text"]
    private var folder = URL(fileURLWithPath: NSTemporaryDirectory())

    override func setUpWithError() throws { folder = try TestData.temporaryDirectory("sinks-csv") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testEveryReaderSeesWhatWasWritten() throws {
        let cases: [(String, [PredictionRow], SinkOptions)] = [
            ("mixed", SampleRows.mixed(logits: true), SinkOptions()),
            ("logits", SampleRows.mixed(logits: true), SinkOptions(extras: .logits)),
            ("empty", [], SinkOptions()),
            ("many", SampleRows.many(2_000), SinkOptions()),
        ]
        let urls = try cases.map { try write($0.1, $0.2, name: $0.0) }
        for (reading, (_, rows, options)) in zip(try OracleReading.read(urls, as: .csv), cases) {
            try assertEveryReader(reading, saw: rows, extras: options.extras, readers: readers)
        }
    }

    func testQuotingFollowsRFC4180() throws {
        let rows = [
            PredictionRow(
                path: "a,b \"c\".jpg", label: "say \"hi\"", classIndex: 3, confidence: 0.1, topKLabels: ["x,y", "q\""],
                topKIndices: [3, 7], topKProbs: [0.1, 1e-5]),
            .failure(path: "plain.jpg", error: "line one\nline two"),
            PredictionRow(path: "", label: "", classIndex: -1, confidence: .nan, topKProbs: [.infinity, 2]),
        ]
        let text = try String(contentsOf: write(rows, SinkOptions(), name: "golden"), encoding: .utf8)
        let expected = [
            "path,label,class_index,confidence,top_k_labels,top_k_indices,top_k_probs,error",
            #""a,b ""c"".jpg","say ""hi""",3,0.1,"[""x,y"",""q\""""]","[3,7]","[0.1,1e-05]","#,
            "plain.jpg,,,,,,,\"line one\nline two\"",
            #""","",-1,NaN,,,"[null,2.0]","#,
        ]
        XCTAssertEqual(text, expected.map { $0 + "\r\n" }.joined())
    }

    private func write(_ rows: [PredictionRow], _ options: SinkOptions, name: String) throws -> URL {
        let url = folder.appendingPathComponent("\(name).csv")
        let sink = try Sinks.open(.csv, at: url, options: options)
        for batch in stride(from: 0, to: rows.count, by: 7).map({ rows[$0..<min(rows.count, $0 + 7)] }) {
            try sink.append(Array(batch))
        }
        try sink.finish()
        return url
    }
}
