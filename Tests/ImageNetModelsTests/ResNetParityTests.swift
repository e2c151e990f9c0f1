import DNNLBackend
import Foundation
import ImageNetModels
import InferenceGraph
import ModelWeights
import ReferenceBackend
import TestSupport
import XCTest

/// Every ResNet depth against live torchvision: random init with random batch-norm statistics and affine
/// parameters (so folding batch norm into convolutions is exercised), saved by torch in both `.pth` formats.
///
/// Batch 1 loads the legacy (`_use_new_zipfile_serialization=False`) file, batch 3 the zip file; the
/// tolerance is `ModelFixtures.relativeTolerance` of the largest logit.
final class ResNetParityTests: XCTestCase {
    /// The oracle's output folder (about 1.3 GB of checkpoints), made once for the class.
    nonisolated(unsafe) static var oracle: Result<URL, any Error> = .failure(CocoaError(.featureUnsupported))

    override class func setUp() {
        super.setUp()
        oracle = Result {
            let folder = try TestData.temporaryDirectory("resnet-oracle")
            try Oracle.run("models_resnet.py", [folder.path] + ResNet.Depth.allCases.map { String($0.rawValue) })
            return folder
        }
    }

    override class func tearDown() {
        if case .success(let folder) = oracle { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    func testResNet18OneDNN() throws { try checkOneDNN(.resnet18) }
    func testResNet34OneDNN() throws { try checkOneDNN(.resnet34) }
    func testResNet50OneDNN() throws { try checkOneDNN(.resnet50) }
    func testResNet101OneDNN() throws { try checkOneDNN(.resnet101) }
    func testResNet152OneDNN() throws { try checkOneDNN(.resnet152) }

    /// The slow, obvious path on the unoptimized graph (batch norm not folded), legacy file only.
    func testResNet18Reference() throws {
        let graph = try graph(.resnet18, format: "legacy")
        let model = try ReferenceBackend().compile(graph, batchSize: 1)
        for batch in [1, 3] {
            let (x, y) = try io(.resnet18, batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "resnet18 reference batch \(batch)")
        }
    }

    // MARK: - Helpers

    private func checkOneDNN(_ depth: ResNet.Depth) throws {
        let backend = DNNLBackend(options: .init(threads: 2))
        for (batch, format) in [(1, "legacy"), (3, "zip")] {
            let model = try backend.compile(try graph(depth, format: format), batchSize: batch)
            let (x, y) = try io(depth, batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "resnet\(depth.rawValue) onednn batch \(batch) (\(format) .pth)")
        }
    }

    private func graph(_ depth: ResNet.Depth, format: String) throws -> Graph {
        let url = try Self.oracle.get().appendingPathComponent("resnet\(depth.rawValue)-\(format).pth")
        let weights = StateDictWeights(try Checkpoint.load(contentsOf: url), model: "resnet\(depth.rawValue)")
        return try ResNet.graph(depth, weights: weights)
    }

    private func io(_ depth: ResNet.Depth, batch: Int) throws -> (x: [Float], y: [Float]) {
        let stem = try Self.oracle.get().appendingPathComponent("resnet\(depth.rawValue)").path
        let x = try ModelFixtures.floats(URL(fileURLWithPath: "\(stem)-x\(batch).bin"))
        let y = try ModelFixtures.floats(URL(fileURLWithPath: "\(stem)-y\(batch).bin"))
        XCTAssertEqual(x.count, batch * 3 * 224 * 224)
        XCTAssertEqual(y.count, batch * 1000)
        return (x, y)
    }
}
