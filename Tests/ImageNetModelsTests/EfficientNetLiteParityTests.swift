import BatchVision
import DNNLBackend
import Foundation
import ImageDecoding
import ImageNetModels
import ImageTransforms
import InferenceGraph
import ModelWeights
import ReferenceBackend
import TestSupport
import XCTest

/// EfficientNet-Lite0 with its real (TensorFlow-trained) weights against the `efficientnet-lite-pytorch` 0.1.0 port.
///
/// Skips when the weights or the port's source are absent (tests never download; `make test` fetches them).
final class EfficientNetLiteParityTests: XCTestCase {
    /// The oracle's output folder, made once for the class (random inputs and the 150 dev photos).
    nonisolated(unsafe) static var oracle: Result<(folder: URL, report: [String: Any]), any Error>?

    override class func setUp() {
        super.setUp()
        guard let weights = ModelFixtures.lite0Weights, let port = ModelFixtures.lite0Port else { return }
        oracle = Result {
            let folder = try TestData.temporaryDirectory("lite0-oracle")
            var arguments = [port.path, weights.path, folder.path]
            if let photos = TestData.sharedData("imagenet-samples") { arguments.append(photos.path) }
            let output = try Oracle.run("models_lite0.py", arguments)
            let report = try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
            return (folder, report)
        }
    }

    override class func tearDown() {
        if case .success(let result) = oracle { try? FileManager.default.removeItem(at: result.folder) }
        super.tearDown()
    }

    /// The preset is the TensorFlow Lite model's `(x - 127) / 128` on 0-255 pixels, after torchvision's 256/224 crop.
    func testPresetIsTheTFLiteNormalization() throws {
        let preset = try XCTUnwrap(ModelCatalog.entry(named: "efficientnet_lite0")).preset
        XCTAssertEqual(preset.resizeSize, 256)
        XCTAssertEqual(preset.cropSize, 224)
        XCTAssertEqual(preset.mean, [Float](repeating: 127 / 255, count: 3))
        XCTAssertEqual(preset.std, [Float](repeating: 128 / 255, count: 3))
    }

    func testOneDNNMatchesPyTorch() throws {
        let graph = try lite0Graph()
        let model = try DNNLBackend(options: .init(threads: 2)).compile(graph, batchSize: 1)
        for batch in [1, 3] {
            let (x, y) = try io(batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "lite0 onednn batch \(batch)")
        }
    }

    func testReferenceMatchesPyTorch() throws {
        let model = try ReferenceBackend().compile(try lite0Graph(), batchSize: 1)
        for batch in [1, 3] {
            let (x, y) = try io(batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "lite0 reference batch \(batch)")
        }
    }

    /// Our whole path (decode, preprocess, oneDNN) against PIL + torchvision + PyTorch: top-1 equal on every photo.
    func testTop1EqualsPyTorchOnEveryDevPhoto() throws {
        guard let photos = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let (folder, report) = try oracleResult()
        let rows = try labels(photos)
        let torch = try ModelFixtures.floats(folder.appendingPathComponent("photos-logits.bin"))
        XCTAssertEqual(torch.count, rows.count * 1000)

        let ours = try classify(rows.map { photos.appendingPathComponent($0.file) })
        var agree = 0, oursCorrect = 0, torchCorrect = 0, worst: Float = 0
        for (i, row) in rows.enumerated() {
            let a = Array(ours[i * 1000..<(i + 1) * 1000]), b = Array(torch[i * 1000..<(i + 1) * 1000])
            let (ourTop, torchTop) = (argmax(a), argmax(b))
            XCTAssertEqual(ourTop, torchTop, "\(row.file): ours \(ourTop), PyTorch \(torchTop)")
            agree += ourTop == torchTop ? 1 : 0
            oursCorrect += ourTop == row.classIndex ? 1 : 0
            torchCorrect += torchTop == row.classIndex ? 1 : 0
            worst = max(worst, maxAbsDifference(a, b) / (b.map(abs).max() ?? 1))
        }
        print("lite0 dev photos: top-1 agrees on \(agree)/\(rows.count); accuracy ours \(oursCorrect)/\(rows.count), "
            + "PyTorch \(torchCorrect)/\(rows.count); worst max |Δ| / max |logit| \(worst); oracle \(report)")
        XCTAssertEqual(oursCorrect, torchCorrect)
        XCTAssertLessThanOrEqual(worst, ModelFixtures.relativeTolerance, "end-to-end logits drifted from PyTorch's")
    }

    // MARK: - Helpers

    private func oracleResult() throws -> (folder: URL, report: [String: Any]) {
        guard let oracle = Self.oracle else { throw XCTSkip(ModelFixtures.lite0Missing) }
        return try oracle.get()
    }

    private func lite0Graph() throws -> Graph {
        _ = try oracleResult()
        guard let url = ModelFixtures.lite0Weights else { throw XCTSkip(ModelFixtures.lite0Missing) }
        let weights = StateDictWeights(try Checkpoint.load(contentsOf: url), model: "efficientnet_lite0")
        return try EfficientNetLite.lite0Graph(weights: weights)
    }

    private func io(batch: Int) throws -> (x: [Float], y: [Float]) {
        let folder = try oracleResult().folder
        let x = try ModelFixtures.floats(folder.appendingPathComponent("lite0-x\(batch).bin"))
        let y = try ModelFixtures.floats(folder.appendingPathComponent("lite0-y\(batch).bin"))
        return (x, y)
    }

    /// Logits `(photos, 1000)` through the product's `Classifier`, in batches of 25.
    private func classify(_ files: [URL]) throws -> [Float] {
        var configuration = ClassifierConfiguration()
        configuration.model = "efficientnet_lite0"
        configuration.weights = .file(ModelFixtures.lite0Weights?.path)
        configuration.threads = 2
        configuration.batchSize = 25
        let classifier = try Classifier(configuration)
        var logits: [Float] = []
        for start in stride(from: 0, to: files.count, by: 25) {
            let batch = files[start..<min(start + 25, files.count)]
            var input: [Float] = []
            for file in batch { input += classifier.preprocessor.tensor(try ImageDecoder().decode(contentsOf: file)) }
            var output = [Float](repeating: 0, count: batch.count * classifier.classCount)
            try input.withUnsafeBufferPointer { x in
                try output.withUnsafeMutableBufferPointer { try classifier.logits(x, count: batch.count, into: $0) }
            }
            logits += output
        }
        return logits
    }

    private func labels(_ folder: URL) throws -> [(file: String, classIndex: Int)] {
        let text = try String(contentsOf: folder.appendingPathComponent("labels.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", maxSplits: 3)
            guard fields.count >= 3, let index = Int(fields[2]) else { return nil }
            return (String(fields[0]), index)
        }
    }

    private func argmax(_ values: [Float]) -> Int { values.indices.max { values[$0] < values[$1] } ?? -1 }
}
