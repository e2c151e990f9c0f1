import Foundation
import TestSupport
import XCTest

/// Runs the built `batchvision` executable as a user would, and checks its output against torchvision.
final class CLITests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    func testPreprocessWritesTorchvisionExactTensorsForEveryBundledSample() throws {
        let out = work.appendingPathComponent("tensors")
        let result = try CLI.run(["preprocess", TestData.samples.path, "--output-dir", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let samples = try InputListingFixture.samplePaths()
        let report = try compare(samples, tensors: out, extra: [])
        XCTAssertEqual(report["compared"] as? Int, samples.count)
        XCTAssertLessThanOrEqual(report["max_abs_diff"] as? Double ?? 1, 1e-6, "\(report)")
    }

    func testPreprocessHonoursPresetOptionsAndHWCLayout() throws {
        let out = work.appendingPathComponent("tensors")
        let result = try CLI.run([
            "preprocess", TestData.samples.path, "--output-dir", out.path, "--resize", "160", "--crop", "128",
            "--mean", "0.5,0.4,0.3", "--std", "0.2,0.25,0.3", "--layout", "hwc",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try compare(
            try InputListingFixture.samplePaths(), tensors: out,
            extra: ["--resize", "160", "--crop", "128", "--mean", "0.5,0.4,0.3", "--std", "0.2,0.25,0.3", "--hwc"])
        XCTAssertLessThanOrEqual(report["max_abs_diff"] as? Double ?? 1, 1e-6, "\(report)")
    }

    func testPreprocessReportsAFailedFileAndStillWritesTheOthers() throws {
        let inputs = work.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestData.samples.appendingPathComponent("chelsea.jpg"), to: inputs.appendingPathComponent("good.jpg"))
        try Data("this is not a JPEG\n".utf8).write(to: inputs.appendingPathComponent("bad.jpg"))
        let out = work.appendingPathComponent("out")
        let result = try CLI.run(["preprocess", inputs.path, "--output-dir", out.path])
        XCTAssertEqual(result.status, 1)
        let errorLines = result.stderr.split(separator: "\n")
        XCTAssertEqual(errorLines.count, 1, result.stderr)
        XCTAssertTrue(errorLines.first?.hasPrefix(inputs.appendingPathComponent("bad.jpg").path + ": ") ?? false, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.jpg.f32").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("bad.jpg.f32").path))
        let size = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("good.jpg.f32").path)[.size] as? Int
        XCTAssertEqual(size, 3 * 224 * 224 * 4)
    }

    func testInspectSummarisesTheSamples() throws {
        let result = try CLI.run(["inspect", TestData.samples.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("5 files: 5 decoded, 0 failed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("JPEG 3"), result.stdout)
        XCTAssertTrue(result.stdout.contains("WEBP 1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("L 1"), result.stdout)
    }

    func testInspectListsUndecodableFilesWithReasonsAndExitsTwo() throws {
        try Data().write(to: work.appendingPathComponent("empty.png"))
        try Data("GIF89a\u{1}\0\u{1}\0\0\0\0;".utf8).write(to: work.appendingPathComponent("anim.gif"))
        try FileManager.default.copyItem(
            at: TestData.samples.appendingPathComponent("camera.png"), to: work.appendingPathComponent("camera.png"))
        let result = try CLI.run(["inspect", work.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stdout.contains("3 files: 1 decoded, 2 failed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("anim.gif: corrupt GIF file"), result.stdout)  // 13 bytes: a header, no image
        XCTAssertTrue(result.stdout.contains("empty.png: "), result.stdout)
    }

    func testBadFlagsExitOneWithAMessage() throws {
        let result = try CLI.run(["preprocess", TestData.samples.path, "--output-dir", work.path, "--mean", "0.5,0.5"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("--mean takes three comma-separated numbers"), result.stderr)
    }

    func testMissingSourceIsFatal() throws {
        let result = try CLI.run(["inspect", work.appendingPathComponent("nope").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no such file or folder"), result.stderr)
    }

    // MARK: - Helpers

    /// Asks torchvision to preprocess `inputs` with Pillow and compare with our files in `tensors`.
    private func compare(_ inputs: [String], tensors: URL, extra: [String]) throws -> [String: Any] {
        let output = try Oracle.run("cli_compare_tensors.py", ["--tensors", tensors.path] + extra + inputs)
        return try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
    }
}

enum InputListingFixture {
    static func samplePaths() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: TestData.samples.path)
            .filter { !$0.hasSuffix(".md") }.sorted().map { TestData.samples.appendingPathComponent($0).path }
    }
}
