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

    /// The Oxford-IIIT Pet breeds: a 37-class EfficientNet-B0, saved as `{"state_dict": ...}` by a fine-tuning
    /// script, named by a JSON labels file, through `classify` to Parquet (read back by DuckDB), with its bicubic preset.
    func testThirtySevenClassEfficientNetB0ToParquetMatchesPyTorch() throws {
        let breeds = [
            "Abyssinian", "american_bulldog", "american_pit_bull_terrier", "basset_hound", "beagle", "Bengal", "Birman", "Bombay",
            "boxer", "British_Shorthair", "chihuahua", "Egyptian_Mau", "english_cocker_spaniel", "english_setter", "german_shorthaired",
            "great_pyrenees", "havanese", "japanese_chin", "keeshond", "leonberger", "Maine_Coon", "miniature_pinscher", "newfoundland",
            "Persian", "pomeranian", "pug", "Ragdoll", "Russian_Blue", "saint_bernard", "samoyed", "scottish_terrier", "shiba_inu",
            "Siamese", "Sphynx", "staffordshire_bull_terrier", "wheaten_terrier", "yorkshire_terrier",
        ]
        let images = try FileManager.default.contentsOfDirectory(atPath: TestData.samples.path)
            .filter { !$0.hasSuffix(".md") }.sorted().map { TestData.samples.appendingPathComponent($0).path }
        let expected = try JSONSerialization.jsonObject(
            with: Oracle.run("models_features.py", ["efficientnet_b0:37", work.path], stdin: Data(images.joined(separator: "\n").utf8)))
            as? [String: Any] ?? [:]
        let labelsFile = work.appendingPathComponent("breeds.json")
        try JSONSerialization.data(withJSONObject: breeds).write(to: labelsFile)

        let out = work.appendingPathComponent("pets.parquet")
        let result = try CLI.run(
            ["classify"] + images + ["--model", "efficientnet_b0", "--weights", work.appendingPathComponent("efficientnet_b0-37.pth").path,
            "--labels", labelsFile.path, "--emit", "logits", "--output", out.path, "--batch-size", "3", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try ParquetRows.select(["path", "label", "class_index", "logits"], from: out)
        let theirs = try ModelFixtures.floats(work.appendingPathComponent("logits.bin"))
        XCTAssertEqual(rows.count, images.count)
        XCTAssertEqual(theirs.count, images.count * 37)
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row[0] as? String, images[i])
            let ours = (row[3] as? [Double] ?? []).map(Float.init)
            let want = Array(theirs[i * 37..<(i + 1) * 37])
            guard ours.count == 37 else { return XCTFail("\(images[i]): \(ours.count) logits") }
            XCTAssertLessThanOrEqual(maxAbsDifference(ours, want), 1e-4 * (want.map(abs).max() ?? 1), images[i])
            let top1 = (expected["top1"] as? [Int] ?? [])[i]
            XCTAssertEqual(row[2] as? Int, top1, images[i])
            XCTAssertEqual(row[1] as? String, breeds[top1], "the labels file names the classes")
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
