import DNNLBackend
import Foundation
import ImageNetModels
import InferenceGraph
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// One member of each family beyond ResNet against live torchvision at its full input size, through the
/// catalog (so the entry's builder and state_dict keys are what is tested), at batch 1 and 3 on oneDNN.
/// Random init with randomised batch norms and biases (`models_zoo.py`); the rest of each family runs in
/// `scripts/check-zoo`.
final class ZooParityTests: XCTestCase {
    /// The models this class checks; each is one family's representative.
    static let models = [
        "efficientnet_b0", "efficientnet_v2_s", "mobilenet_v2", "mnasnet0_5", "vgg11_bn", "alexnet", "regnet_y_400mf", "regnet_x_400mf",
        "densenet121", "squeezenet1_1", "googlenet", "inception_v3", "mobilenet_v3_large", "mobilenet_v3_small",
        "shufflenet_v2_x1_0", "convnext_tiny", "vit_b_16", "swin_t", "swin_v2_t", "maxvit_t",
        "swin_t@200",
    ]

    nonisolated(unsafe) static var oracle: Result<URL, any Error> = .failure(CocoaError(.featureUnsupported))

    override class func setUp() {
        super.setUp()
        oracle = Result {
            let folder = try TestData.temporaryDirectory("zoo-oracle")
            try Oracle.run("models_zoo.py", [folder.path] + models)
            return folder
        }
    }

    override class func tearDown() {
        if case .success(let folder) = oracle { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    func testEfficientNetB0() throws { try check("efficientnet_b0", size: 224) }
    func testEfficientNetV2S() throws { try check("efficientnet_v2_s", size: 384) }
    func testMobileNetV2() throws { try check("mobilenet_v2", size: 224) }
    func testMNASNet05() throws { try check("mnasnet0_5", size: 224) }
    func testVGG11BN() throws { try check("vgg11_bn", size: 224) }
    func testAlexNet() throws { try check("alexnet", size: 224) }
    func testRegNetY400MF() throws { try check("regnet_y_400mf", size: 224) }
    func testRegNetX400MF() throws { try check("regnet_x_400mf", size: 224) }
    func testMobileNetV3Large() throws { try check("mobilenet_v3_large", size: 224) }
    func testMobileNetV3Small() throws { try check("mobilenet_v3_small", size: 224) }
    func testDenseNet121() throws { try check("densenet121", size: 224) }
    func testSqueezeNet11() throws { try check("squeezenet1_1", size: 224) }
    func testGoogLeNet() throws { try check("googlenet", size: 224) }
    func testInceptionV3() throws { try check("inception_v3", size: 299) }
    func testShuffleNetV2() throws { try check("shufflenet_v2_x1_0", size: 224) }
    func testConvNeXtTiny() throws { try check("convnext_tiny", size: 224) }
    func testViTB16() throws { try check("vit_b_16", size: 224) }
    func testSwinT() throws { try check("swin_t", size: 224) }
    func testSwinV2T() throws { try check("swin_v2_t", size: 256) }
    func testMaxViTT() throws { try check("maxvit_t", size: 224) }
    /// No preset needs it, but torchvision pads the grid to whole windows (50 -> 56, 13 -> 14) and to even sizes
    /// before patch merging (25 -> 26) at other input sizes.
    func testSwinTPadsAtOtherSizes() throws { try check("swin_t@200", size: 200) }

    /// torchvision refuses MaxViT inputs whose blocks' grids are not whole 7x7 partitions (200: 100, 50, ...), and so do we.
    func testMaxViTRefusesSizesTorchvisionRefuses() throws {
        XCTAssertThrowsError(try MaxViT.graph(.maxvit_t, weights: RandomWeights(), size: 200)) { error in
            guard case .shapeMismatch(let node, let detail) = error as? GraphError else { return XCTFail("\(error)") }
            XCTAssertEqual(node, "blocks.0")
            XCTAssertTrue(detail.contains("[50, 25, 13, 7]"), detail)
        }
    }

    /// The published DenseNet files spell the layers' keys `denselayer1.norm.1.weight`: the builder must ask for
    /// those when the file has them (served here from the oracle's modern state_dict) and get the same logits.
    func testDenseNetLoadsThePublishedFilesKeyNames() throws {
        let folder = try Self.oracle.get()
        let modern = StateDictWeights(try Checkpoint.load(contentsOf: folder.appendingPathComponent("densenet121.pth")), model: "densenet121")
        let legacy = LegacyDenseNetKeys(modern)
        let graph = try DenseNet.graph(.densenet121, weights: legacy)
        XCTAssertEqual(legacy.modernRequests, [], "asked for torchvision's new names although the file has the old ones")
        let x = try ModelFixtures.floats(folder.appendingPathComponent("densenet121-x1.bin"))
        let y = try ModelFixtures.floats(folder.appendingPathComponent("densenet121-y1.bin"))
        let model = try DNNLBackend(options: .init(threads: 2)).compile(graph, batchSize: 1)
        ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: 1), y, "densenet121 (published key names) onednn batch 1")
    }

    /// `spec` is the oracle's argument: the model's name, or `name@size` away from the preset's size.
    private func check(_ spec: String, size: Int) throws {
        let folder = try Self.oracle.get()
        let name = String(spec.prefix { $0 != "@" })
        let entry = try XCTUnwrap(ModelCatalog.entry(named: name))
        let weights = StateDictWeights(try Checkpoint.load(contentsOf: folder.appendingPathComponent("\(spec).pth")), model: name)
        let graph = try entry.graph(weights: weights, size: size)
        let backend = DNNLBackend(options: .init(threads: 2))
        for batch in [1, 3] {
            let x = try ModelFixtures.floats(folder.appendingPathComponent("\(spec)-x\(batch).bin"))
            let y = try ModelFixtures.floats(folder.appendingPathComponent("\(spec)-y\(batch).bin"))
            XCTAssertEqual(x.count, batch * 3 * size * size)
            let model = try backend.compile(graph, batchSize: batch)
            ModelFixtures.assertLogitsMatch(try model.run(x, batchSize: batch), y, "\(spec) onednn batch \(batch)")
        }
    }
}

/// A state_dict with torchvision's DenseNet keys, seen through the published files' names (`norm.1`, `conv.2`).
private final class LegacyDenseNetKeys: WeightSource {
    let modern: StateDictWeights
    /// Keys asked for in the new spelling (`norm1`), which a published file does not have.
    private(set) var modernRequests: [String] = []

    init(_ modern: StateDictWeights) { self.modern = modern }

    /// `...denselayer1.norm.1.weight` -> `...denselayer1.norm1.weight`, what torchvision's `_load_state_dict` does.
    func rename(_ key: String) -> String {
        key.replacingOccurrences(of: #"(denselayer\d+\.(?:norm|relu|conv))\.([12]\.)"#, with: "$1$2", options: .regularExpression)
    }

    func tensor(_ key: String, _ shape: Shape) -> Tensor {
        if key.range(of: #"denselayer\d+\.(?:norm|conv)[12]\."#, options: .regularExpression) != nil { modernRequests.append(key) }
        return modern.tensor(rename(key), shape)
    }

    func classCount(head: String) -> Int { modern.classCount(head: head) }
    func shape(_ key: String) -> Shape? { modern.shape(rename(key)) }
    func finish() throws { try modern.finish() }
}
