import Foundation
import TestSupport
import XCTest

/// Output problems are found before the model loads and reported as one line naming the path and what
/// to do, never Foundation's error text.
final class OutputErrorsTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("output-errors")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// Weights that do not exist: had the model loaded first, the error would be about them.
    private var missingWeights: [String] { ["--model", "resnet18", "--weights", work.appendingPathComponent("none.pth").path, "--quiet"] }

    func testUnwritableOutputFailsBeforeTheModelLoads() throws {
        for output in ["/proc/x.parquet", "/proc/batchvision-out/"] {
            let result = try CLI.run(["classify", TestData.samples.path, "--output", output] + missingWeights)
            assertOneLineError(result, mentions: "/proc")
        }
    }

    func testAnExistingFileIsRefusedBeforeTheModelLoads() throws {
        let out = work.appendingPathComponent("out.parquet")
        try Data("x".utf8).write(to: out)
        let result = try CLI.run(["classify", TestData.samples.path, "--output", out.path] + missingWeights)
        assertOneLineError(result, mentions: out.path)
        XCTAssertTrue(result.stderr.contains("--overwrite"), result.stderr)
    }

    func testAFileInTheWayOfTheOutputFolderIsNamed() throws {
        let blocker = work.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        let result = try CLI.run(["classify", TestData.samples.path, "--output", blocker.path + "/sub/out.csv"] + missingWeights)
        assertOneLineError(result, mentions: blocker.path)
    }

    func testAnUnwritableReportOrSummaryIsOneLine() throws {
        let result = try CLI.run([
            "classify", TestData.samples.path, "--output", work.appendingPathComponent("out.csv").path, "--model", "resnet18",
            "--random-weights", "--resize", "72", "--crop", "64", "--summary-json", "/proc/nope/summary.json", "--quiet",
        ])
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, result.stderr)
        XCTAssertTrue(errors.first?.contains("/proc/nope") ?? false, result.stderr)
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
        XCTAssertEqual(result.status, 1)
    }

    private func assertOneLineError(_ result: CLI.Result, mentions path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(path), result.stderr, file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Error Domain"), result.stderr, file: file, line: line)
        XCTAssertFalse(result.stderr.contains("none.pth"), "the model loaded first: \(result.stderr)", file: file, line: line)
    }
}
