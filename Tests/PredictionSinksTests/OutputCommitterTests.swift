import Foundation
import TestSupport
import XCTest

@testable import PredictionSinks

/// The committer on its own: parts, the manifest, resume, and the checks made before a job starts.
final class OutputCommitterTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("committer")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    private func rows(_ range: Range<Int>) -> [PredictionRow] {
        range.map { i in i % 5 == 4 ? .failure(path: "img\(i)", error: "bad") : PredictionRow(path: "img\(i)", label: "l\(i)", classIndex: Int32(i)) }
    }

    private func settings(resume: Bool = false, overwrite: Bool = false, fingerprint: String = "job") -> OutputSettings {
        var s = OutputSettings(format: .jsonl)
        s.rowsPerFile = 4
        s.resume = resume
        s.overwrite = overwrite
        s.fingerprint = fingerprint
        return s
    }

    func testAnInterruptedJobResumesWhereItsManifestEnds() throws {
        let target = OutputTarget.file(work.appendingPathComponent("out.jsonl"))
        let first = try OutputCommitter(target: target, settings: settings())
        try first.append(rows(0..<10))  // two parts of 4 committed, 2 rows pending and lost
        XCTAssertThrowsError(try OutputCommitter(target: target, settings: settings())) {
            XCTAssertEqual($0 as? OutputError, .unfinished(work.appendingPathComponent(".out.jsonl.parts/_manifest.json").path))
        }
        XCTAssertThrowsError(try OutputCommitter(target: target, settings: settings(resume: true, fingerprint: "other")))
        let resumed = try OutputCommitter(target: target, settings: settings(resume: true))
        XCTAssertEqual(resumed.committedRows, 8)
        try resumed.append(rows(8..<13))
        XCTAssertEqual(try resumed.finish().map(\.lastPathComponent), ["out.jsonl"])
        let lines = try String(contentsOf: work.appendingPathComponent("out.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 13)
        for (i, line) in lines.enumerated() { XCTAssertTrue(line.hasPrefix("{\"path\":\"img\(i)\""), String(line)) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), ["out.jsonl"], "staging removed")
    }

    func testPreflightNamesWhatIsInTheWay() throws {
        let file = work.appendingPathComponent("x.jsonl")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try OutputCommitter.preflight(target: .file(file), settings: settings())) {
            XCTAssertEqual($0 as? OutputError, .exists(file.path))
        }
        XCTAssertNoThrow(try OutputCommitter.preflight(target: .file(file), settings: settings(overwrite: true)))
        XCTAssertThrowsError(try OutputCommitter.preflight(target: .file(file.appendingPathComponent("y.jsonl")), settings: settings())) {
            guard case .notWritable(let path, let reason) = $0 as? OutputError else { return XCTFail("\($0)") }
            XCTAssertTrue(path.hasPrefix(file.path), path)
            XCTAssertEqual(reason, "it exists but is not a folder")
        }
        let nested = work.appendingPathComponent("a/b/")
        XCTAssertNoThrow(try OutputCommitter.preflight(target: .directory(nested), settings: settings()))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: nested.path), [], "the probe file is removed")
    }
}
