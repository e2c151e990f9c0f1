import DNNLBackend
import Foundation
import TestSupport
import XCTest

/// `batchvision compare-precision` from the command line, with EfficientNet-Lite0's real weights.
final class ComparePrecisionCommandTests: XCTestCase {
    func testJSONOnTheSamplesAndTheDevPhotos() throws {
        guard let weights = ModelFixtures.lite0Weights else { throw XCTSkip(ModelFixtures.lite0Missing) }
        guard DNNLBackend.hasNativeBF16 else {
            throw XCTSkip("no native bf16 here (\(DNNLBackend.isaDescription)): see testRefusesWithoutNativeBF16")
        }
        var sources = [TestData.samples.path]
        if let photos = TestData.sharedData("imagenet-samples") { sources.append(photos.path) }
        let expected = try sources.map(Self.imageCount).reduce(0, +)
        let result = try CLI.run(
            ["compare-precision"] + sources + ["--model", "efficientnet_lite0", "--weights", weights.path, "--json", "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        print("compare-precision on \(sources.count) folders: \(result.stdout)")
        XCTAssertEqual(object["images"] as? Int, expected)
        XCTAssertEqual(object["precision"] as? String, "bf16")
        XCTAssertEqual((object["layer_precisions"] as? [String: Int])?.keys.sorted(), ["bf16"])
        let agreeing = try XCTUnwrap(object["top1_agreeing"] as? Int)
        let disagreements = try XCTUnwrap(object["disagreements"] as? [[String: Any]])
        XCTAssertEqual(agreeing + disagreements.count, expected)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["top1_agreement"] as? Double), BF16AgreementTests.minimumTop1Agreement)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["top5_overlap"] as? Double), BF16AgreementTests.minimumTop5Overlap)
        let change = try XCTUnwrap(object["largest_probability_change"] as? [String: Any])
        let (exact, fast) = (try XCTUnwrap(change["fp32"] as? Double), try XCTUnwrap(change["bf16"] as? Double))
        XCTAssertEqual(try XCTUnwrap(change["value"] as? Double), abs(exact - fast), accuracy: 1e-6)
        XCTAssertTrue(sources.contains { (change["path"] as? String ?? "").hasPrefix($0) }, "\(change)")
    }

    func testTextNamesTheNumbers() throws {
        guard let weights = ModelFixtures.lite0Weights else { throw XCTSkip(ModelFixtures.lite0Missing) }
        guard DNNLBackend.hasNativeBF16 else { throw XCTSkip("no native bf16 here (\(DNNLBackend.isaDescription))") }
        let result = try CLI.run(["compare-precision", TestData.samples.path, "--model", "efficientnet_lite0", "--weights", weights.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for expected in ["fp32 vs bf16, 5 images", "top-1 agreement:", "top-5 overlap:", "largest |Δp|:", "bf16 layers ran in bf16: "] {
            XCTAssertTrue(result.stdout.contains(expected), "no '\(expected)' in:\n\(result.stdout)")
        }
    }

    /// Without native bf16, bf16 would quietly run fp32: the command says so in one line and exits 1.
    func testRefusesWithoutNativeBF16() throws {
        guard !DNNLBackend.hasNativeBF16 else {
            throw XCTSkip("this CPU runs bf16 natively (\(DNNLBackend.isaDescription)): the refusal cannot happen here")
        }
        let result = try CLI.run(["compare-precision", TestData.samples.path, "--model", "efficientnet_lite0", "--random-weights"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("no native bf16") && result.stderr.contains("quietly run fp32"), result.stderr)
    }

    func testFP32IsNotAFasterPrecision() throws {
        let result = try CLI.run(
            ["compare-precision", TestData.samples.path, "--model", "efficientnet_lite0", "--random-weights", "--precision", "fp32"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("compares fp32 with a faster precision"), result.stderr)
    }

    private static func imageCount(_ folder: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            ["jpg", "jpeg", "png", "webp"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased())
        }.count
    }
}
