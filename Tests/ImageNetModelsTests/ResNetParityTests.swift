import DNNLBackend
import Foundation
import ImageNetModels
import InferenceGraph
import ModelWeights
import ReferenceBackend
import TestSupport
import XCTest

/// Every ResNet depth, ResNeXt-50 and Wide ResNet-50 against live torchvision: random init with random
/// batch-norm statistics and affine parameters (so folding batch norm into convolutions is exercised), saved
/// by torch in both `.pth` formats; and a fine-tuned 10-class ResNet-18 saved by a DataParallel training script.
/// The 101-layer ResNeXts and Wide ResNet are the same code at more depth: `scripts/check-zoo` runs them.
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
            try Oracle.run("models_resnet.py", [folder.path] + tested.map(\.rawValue) + ["resnet18:10"])
            return folder
        }
    }

    static let tested: [ResNet.Variant] = [.resnet18, .resnet34, .resnet50, .resnet101, .resnet152, .resnext50_32x4d, .wide_resnet50_2]

    override class func tearDown() {
        if case .success(let folder) = oracle { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    func testResNet18OneDNN() throws { try checkOneDNN(.resnet18) }
    func testResNet34OneDNN() throws { try checkOneDNN(.resnet34) }
    func testResNet50OneDNN() throws { try checkOneDNN(.resnet50) }
    func testResNet101OneDNN() throws { try checkOneDNN(.resnet101) }
    func testResNet152OneDNN() throws { try checkOneDNN(.resnet152) }
    func testResNeXt50OneDNN() throws { try checkOneDNN(.resnext50_32x4d) }
    func testWideResNet50OneDNN() throws { try checkOneDNN(.wide_resnet50_2) }

    /// `resnet18(num_classes=10)`: the head's shape gives the class count, and a `{"model": ...}` checkpoint
    /// with DataParallel's `module.` prefix loads as the plain state_dict does.
    func testFineTunedTenClassHeadFromAWrappedCheckpoint() throws {
        let backend = DNNLBackend(options: .init(threads: 2))
        for (batch, format) in [(1, "wrapped"), (3, "zip")] {
            let url = try Self.oracle.get().appendingPathComponent("resnet18-10-\(format).pth")
            let graph = try ResNet.graph(.resnet18, weights: StateDictWeights(try Checkpoint.load(contentsOf: url), model: "resnet18"))
            XCTAssertEqual(graph.outputShape, [10])
            let (x, y) = try io("resnet18-10", batch: batch, classes: 10)
            let model = try backend.compile(graph, batchSize: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "10-class resnet18 batch \(batch) (\(format) .pth)")
        }
    }

    /// The slow, obvious path on the unoptimized graph (batch norm not folded), legacy file only.
    func testResNet18Reference() throws {
        let graph = try graph(ResNet.Variant.resnet18, format: "legacy")
        let model = try ReferenceBackend().compile(graph, batchSize: 1)
        for batch in [1, 3] {
            let (x, y) = try io("resnet18", batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "resnet18 reference batch \(batch)")
        }
    }

    // MARK: - Helpers

    private func checkOneDNN(_ variant: ResNet.Variant) throws {
        let backend = DNNLBackend(options: .init(threads: 2))
        for (batch, format) in [(1, "legacy"), (3, "zip")] {
            let model = try backend.compile(try graph(variant, format: format), batchSize: batch)
            let (x, y) = try io(variant.rawValue, batch: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "\(variant.rawValue) onednn batch \(batch) (\(format) .pth)")
        }
    }

    private func graph(_ variant: ResNet.Variant, format: String) throws -> Graph {
        let url = try Self.oracle.get().appendingPathComponent("\(variant.rawValue)-\(format).pth")
        let weights = StateDictWeights(try Checkpoint.load(contentsOf: url), model: variant.rawValue)
        return try ResNet.graph(variant, weights: weights)
    }

    private func io(_ stem: String, batch: Int, classes: Int = 1000) throws -> (x: [Float], y: [Float]) {
        let stem = try Self.oracle.get().appendingPathComponent(stem).path
        let x = try ModelFixtures.floats(URL(fileURLWithPath: "\(stem)-x\(batch).bin"))
        let y = try ModelFixtures.floats(URL(fileURLWithPath: "\(stem)-y\(batch).bin"))
        XCTAssertEqual(x.count, batch * 3 * 224 * 224)
        XCTAssertEqual(y.count, batch * classes)
        return (x, y)
    }
}
