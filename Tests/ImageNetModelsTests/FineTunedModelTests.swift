import Foundation
import TestSupport
import XCTest

/// Your own model: `resnet18(num_classes=10)` fine-tuned and saved by a DataParallel training script,
/// with a labels file, through `classify` to Parquet, against PyTorch.
final class FineTunedModelTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("fine-tuned")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    private let labels = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    func testTenClassResNet18WithLabelsFileMatchesPyTorch() throws {
        let images = try FileManager.default.contentsOfDirectory(atPath: TestData.samples.path)
            .filter { !$0.hasSuffix(".md") }.sorted().map { TestData.samples.appendingPathComponent($0).path }
        try Oracle.run("models_resnet.py", [work.path, "resnet18:10"])
        let weights = work.appendingPathComponent("resnet18-10-wrapped.pth").path
        let labelsFile = work.appendingPathComponent("classes.txt")
        try Data((labels.joined(separator: "\n") + "\n").utf8).write(to: labelsFile)

        let out = work.appendingPathComponent("out.jsonl")
        let result = try CLI.run(
            ["classify"] + images + ["--model", "resnet18", "--weights", weights, "--labels", labelsFile.path, "--emit", "logits",
            "--output", out.path, "--batch-size", "2", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        let expected = try JSONSerialization.jsonObject(
            with: Oracle.run("models_features.py", ["resnet18", work.path, "--weights", weights], stdin: Data(images.joined(separator: "\n").utf8)))
            as? [String: Any] ?? [:]
        let theirs = try ModelFixtures.floats(work.appendingPathComponent("logits.bin"))
        XCTAssertEqual(theirs.count, images.count * 10)
        for (i, row) in rows.enumerated() {
            let ours = (row["logits"] as? [Double] ?? []).map(Float.init)
            let want = Array(theirs[i * 10..<(i + 1) * 10])
            guard ours.count == 10 else { return XCTFail("\(images[i]): \(ours.count) logits") }
            XCTAssertLessThanOrEqual(maxAbsDifference(ours, want), 1e-4 * (want.map(abs).max() ?? 1), images[i])
            let top1 = (expected["top1"] as? [Int] ?? [])[i]
            XCTAssertEqual(row["class_index"] as? Int, top1)
            XCTAssertEqual(row["label"] as? String, labels[top1], "the labels file names the classes")
        }
    }

    func testALabelsFileThatDoesNotMatchTheHeadIsOneLine() throws {
        let labelsFile = work.appendingPathComponent("three.json")
        try Data(#"["a", "b", "c"]"#.utf8).write(to: labelsFile)
        let result = try CLI.run([
            "predict", TestData.samples.appendingPathComponent("chelsea.jpg").path, "--model", "resnet18", "--random-weights",
            "--labels", labelsFile.path, "--resize", "72", "--crop", "64",
        ])
        XCTAssertEqual(result.status, 0, "random weights take their head's size from --labels: \(result.stderr)")
        XCTAssertTrue(["a", "b", "c"].contains { result.stdout.contains("Image 1: \($0) ") }, result.stdout)

        try Oracle.run("models_resnet.py", [work.path, "resnet18:10"])
        let mismatch = try CLI.run([
            "predict", TestData.samples.appendingPathComponent("chelsea.jpg").path, "--model", "resnet18", "--weights",
            work.appendingPathComponent("resnet18-10-zip.pth").path, "--labels", labelsFile.path,
        ])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertEqual(mismatch.stderr.split(separator: "\n").count, 1, mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("--labels has 3 names but the model's head has 10 outputs"), mismatch.stderr)
    }
}
