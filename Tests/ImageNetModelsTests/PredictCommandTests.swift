import Foundation
import TestSupport
import XCTest

/// `batchvision predict --json --logits` from the command line against PyTorch, file in to logits out.
final class PredictCommandTests: XCTestCase {
    func testJSONLogitsMatchPyTorchForEveryImage() throws {
        guard let weights = ModelFixtures.lite0Weights, let port = ModelFixtures.lite0Port else {
            throw XCTSkip(ModelFixtures.lite0Missing)
        }
        var images = try FileManager.default.contentsOfDirectory(atPath: TestData.samples.path)
            .filter { !$0.hasSuffix(".md") }.sorted().map { TestData.samples.appendingPathComponent($0).path }
        if let photos = TestData.sharedData("imagenet-samples") {
            images += try FileManager.default.contentsOfDirectory(atPath: photos.path).filter { $0.hasSuffix(".JPEG") }
                .sorted().prefix(12).map { photos.appendingPathComponent($0).path }
        }
        let result = try CLI.run(
            ["predict"] + images + ["--model", "efficientnet_lite0", "--weights", weights.path, "--json", "--logits", "--batch-size", "4"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        // Rows come in path order (InputListing sorts), not the command line's: whether Samples/ sorts before or after
        // ../shared's photos depends on where the checkout lies.
        XCTAssertEqual(rows.map { $0["path"] as? String }, images.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        let oracle = try Oracle.run("models_predict_lite0.py", [port.path, weights.path] + images)
        let expected = try JSONSerialization.jsonObject(with: oracle) as? [String: [Double]] ?? [:]
        for row in rows {
            let path = row["path"] as? String ?? ""
            let ours = (row["logits"] as? [Double] ?? []).map(Float.init)
            let theirs = (expected[path] ?? []).map(Float.init)
            XCTAssertEqual(ours.count, 1000, path)
            let scale = theirs.map(abs).max() ?? 1
            // Stated tolerance: max |Δ| ≤ 1e-4 · max |logit| (DESIGN.md numerics contract).
            XCTAssertLessThanOrEqual(maxAbsDifference(ours, theirs), 1e-4 * scale, path)
            let top1 = theirs.indices.max { theirs[$0] < theirs[$1] }
            XCTAssertEqual(row["class_index"] as? Int, top1, path)
        }
    }
}
