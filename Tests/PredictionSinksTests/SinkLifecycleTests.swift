import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// Format choice, option checks and the open → append → finish contract shared by all sinks.
final class SinkLifecycleTests: XCTestCase {
    private var folder = URL(fileURLWithPath: NSTemporaryDirectory())

    override func setUpWithError() throws { folder = try TestData.temporaryDirectory("sinks-lifecycle") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testFormatFromExtensionIgnoresCase() {
        XCTAssertEqual(OutputFormat(path: "out/preds.parquet"), .parquet)
        XCTAssertEqual(OutputFormat(path: "PREDS.CSV"), .csv)
        XCTAssertEqual(OutputFormat(path: "a.b/preds.JsonL"), .jsonl)
        XCTAssertNil(OutputFormat(path: "preds.json"))
        XCTAssertNil(OutputFormat(path: "parquet"))
        XCTAssertNil(OutputFormat(path: "dir.csv/preds"))
    }

    func testAppendAfterFinishIsRefusedForEveryFormat() throws {
        for format in OutputFormat.allCases {
            let url = folder.appendingPathComponent("done.\(format.rawValue)")
            let sink = try Sinks.open(format, at: url, options: SinkOptions(syncOnFinish: true))
            try sink.append(SampleRows.mixed())
            try sink.finish()
            XCTAssertThrowsError(try sink.append([])) { XCTAssertEqual($0 as? SinkError, .closed(path: url.path)) }
            XCTAssertThrowsError(try sink.finish()) { XCTAssertEqual($0 as? SinkError, .closed(path: url.path)) }
        }
    }

    func testMissingFolderIsACreateErrorWithAHint() throws {
        let url = folder.appendingPathComponent("no/such/dir/out.parquet")
        XCTAssertThrowsError(try Sinks.open(.parquet, at: url, options: SinkOptions())) { error in
            guard case .cannotCreate(let path, let reason)? = error as? SinkError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(reason, "No such file or directory")
            XCTAssertNotNil((error as? SinkError)?.hint)
            XCTAssertFalse((error as? SinkError)?.description.contains("\n") ?? true)
        }
    }

    func testNonPositiveRowGroupSizeIsRefused() {
        let url = folder.appendingPathComponent("bad.parquet")
        XCTAssertThrowsError(try Sinks.open(.parquet, at: url, options: SinkOptions(rowGroupSize: 0))) {
            XCTAssertEqual($0 as? SinkError, .invalidRowGroupSize(0))
        }
    }

    func testParquetStartsAndEndsWithMagicAndFooterLength() throws {
        let url = folder.appendingPathComponent("magic.parquet")
        let sink = try Sinks.open(.parquet, at: url, options: SinkOptions())
        try sink.append(SampleRows.mixed())
        try sink.finish()
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes.prefix(4)), Array("PAR1".utf8))
        XCTAssertEqual(Array(bytes.suffix(4)), Array("PAR1".utf8))
        let footerLength = bytes[(bytes.count - 8)..<(bytes.count - 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertGreaterThan(footerLength, 100)
        XCTAssertLessThan(footerLength, bytes.count - 12)
    }
}
