import DNNLBackend
import Foundation
import TestSupport
import XCTest

/// `calibrate` then `classify --precision int8` with EfficientNet-Lite0's real weights: the agreement with fp32
/// a user needs before switching a job to int8, measured on the 150 dev photos and held to a stated floor;
/// and every way of getting int8 wrong is one line.
final class Int8CalibrationTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("int8")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// The target, 99%: 149 of 150. Measured with bias correction (2026-12-03): 149 with AVX-512 VNNI (stem
    /// in int8, layers passing integers on; the one left is a near tie, chimpanzee/siamang, that bf16 flips too),
    /// 150 with oneDNN capped at AVX2 (`ONEDNN_MAX_CPU_ISA=AVX2`, where the signed-input layers stay fp32). Without
    /// it, 148 and 149: the two near ties (tabby/tiger cat 0.205/0.204, mailbox/tobacco shop) went either way.
    static let agreementFloor = 0.99

    func testCalibratedInt8AgreesWithFP32OnTheDevPhotosAndIsRecorded() throws {
        guard let weights = ModelFixtures.lite0Weights else { throw XCTSkip(ModelFixtures.lite0Missing) }
        guard let photos = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let model = ["--model", "efficientnet_lite0", "--weights", weights.path]
        let calibration = work.appendingPathComponent("lite0.int8.json")
        let calibrated = try CLI.run(["calibrate", photos.path] + model + ["--images", "100", "--output", calibration.path])
        XCTAssertEqual(calibrated.status, 0, calibrated.stderr)
        XCTAssertTrue(calibrated.stdout.contains("on 100 images"), calibrated.stdout)
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: calibration)) as? [String: Any])
        XCTAssertEqual(file["format"] as? String, "batchvision-calibration")
        XCTAssertEqual(file["version"] as? Int, 1)
        XCTAssertEqual((file["weights_sha256"] as? String)?.prefix(8), "57934424")
        XCTAssertGreaterThan((file["layers"] as? [String: Any])?.count ?? 0, 20)

        var predictions: [String: [[String: Any]]] = [:]
        for precision in ["fp32", "int8"] {
            let out = work.appendingPathComponent("\(precision).jsonl")
            let extra = precision == "int8" ? ["--calibration", calibration.path] : []
            let result = try CLI.run(
                ["classify", photos.path] + model + ["--precision", precision, "--output", out.path, "--quiet"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            predictions[precision] = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
            }
        }
        let (fp32, int8) = (predictions["fp32"] ?? [], predictions["int8"] ?? [])
        XCTAssertEqual(fp32.count, 150)
        XCTAssertEqual(int8.count, 150)
        let agree = zip(fp32, int8).filter { ($0["class_index"] as? Int) == ($1["class_index"] as? Int) }.count
        print("int8 vs fp32, EfficientNet-Lite0, 150 dev photos: top-1 agreement \(agree)/150")
        XCTAssertGreaterThanOrEqual(Double(agree) / 150, Self.agreementFloor)

        // The Parquet footer names the precision and the calibration.
        let parquet = work.appendingPathComponent("int8.parquet")
        let result = try CLI.run(
            ["classify", photos.path, "--limit", "3"] + model + ["--precision", "int8", "--calibration", calibration.path, "--output", parquet.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let footer = try Data(contentsOf: parquet)
        XCTAssertNotNil(footer.range(of: Data("batchvision.calibration_sha256".utf8)))
        XCTAssertNotNil(footer.range(of: Data("int8".utf8)))
    }

    /// A transformer's linear layers (ViT-B/32, seeded random weights, the five sample photos): `calibrate` scales
    /// every one but the head, with per-feature bias corrections, and int8 stays close to fp32. Random weights
    /// make near-uniform probabilities (top-1 ~0.05), so the check is the largest probability change, with top-1
    /// agreement beside it. Measured (2026-12-03, Zen 5, VNNI): 5/5, largest |Δp| 0.0018; on 48 dev photos 48/48,
    /// 0.0022, int8 2.75x fp32's model time. Without VNNI ViT's linear layers (signed inputs) stay fp32.
    func testTransformerLinearLayersCalibrateAndAgree() throws {
        let model = ["--model", "vit_b_32", "--random-weights", "--threads", "2"]
        let calibration = work.appendingPathComponent("vit.json")
        let calibrated = try CLI.run(["calibrate", TestData.samples.path] + model + ["--output", calibration.path])
        XCTAssertEqual(calibrated.status, 0, calibrated.stderr)
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: calibration)) as? [String: Any])
        let layers = try XCTUnwrap(file["layers"] as? [String: [String: Any]])
        XCTAssertEqual(layers.count, 1 + 12 * 4, "the patch embedding and each block's qkv, out, mlp.0, mlp.3: \(layers.keys.sorted())")
        XCTAssertNil(layers["heads.head"], "the head writes the logits in float")
        // (named with the GELU fused into it)
        let mlp = try XCTUnwrap(layers.first { $0.key.hasPrefix("encoder.layers.encoder_layer_0.mlp.0+gelu") }?.value, "\(layers.keys.sorted())")
        XCTAssertEqual((mlp["weight_scales"] as? [Double])?.count, 3072)
        XCTAssertEqual((mlp["bias_correction"] as? [Double])?.count, 3072)

        let result = try CLI.run(["compare-precision", TestData.samples.path] + model + ["--precision", "int8", "--calibration", calibration.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        print("int8 vs fp32, ViT-B/32 random weights, samples: \(result.stdout)")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let ran = try XCTUnwrap(object["layer_precisions"] as? [String: Int])
        XCTAssertEqual(ran["int8"], DNNLBackend.hasVNNI ? 49 : nil, "\(ran): every input is signed, int8 only with VNNI")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["top1_agreeing"] as? Int), 4)
        let change = try XCTUnwrap(object["largest_probability_change"] as? [String: Any])
        XCTAssertLessThan(try XCTUnwrap(change["value"] as? Double), 0.01)
    }

    func testInt8MistakesAreOneLine() throws {
        let image = TestData.samples.appendingPathComponent("chelsea.jpg").path
        let random = ["--model", "resnet18", "--random-weights", "--resize", "72", "--crop", "64"]
        func oneLine(_ arguments: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
            XCTAssertTrue(result.stderr.contains(expected), result.stderr, file: file, line: line)
        }
        // a usage mistake: its line, then the usage lines ArgumentParser adds
        let noFile = try CLI.run(["predict", image] + random + ["--precision", "int8"])
        XCTAssertEqual(noFile.status, 1)
        XCTAssertTrue(noFile.stderr.split(separator: "\n").first?.contains("--precision int8 needs --calibration FILE") == true, noFile.stderr)

        let calibration = work.appendingPathComponent("r18.json")
        let made = try CLI.run(["calibrate", TestData.samples.path] + random + ["--output", calibration.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let ok = try CLI.run(["predict", image] + random + ["--precision", "int8", "--calibration", calibration.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        try oneLine(["predict", image, "--model", "resnet34", "--random-weights", "--resize", "72", "--crop", "64", "--precision", "int8",
                     "--calibration", calibration.path], "the calibration was made for resnet18")

        let garbage = work.appendingPathComponent("garbage.json")
        try Data("{\"format\": \"something else\"}".utf8).write(to: garbage)
        try oneLine(["predict", image] + random + ["--precision", "int8", "--calibration", garbage.path], "is not a calibration file")
        var json = try String(contentsOf: calibration, encoding: .utf8)
        json = json.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7")
        try Data(json.utf8).write(to: garbage)
        try oneLine(["predict", image] + random + ["--precision", "int8", "--calibration", garbage.path], "version 7")
    }
}
