import DNNLBackend
import ImageNetModels
import InferenceGraph
import XCTest

/// `--precision bf16` as built for one member of each catalog family (random weights: plans do not depend
/// on them), read back from the plan's own memory descriptors.
///
/// With native bf16 (avx512_bf16 or AMX): every convolution and linear layer computes in bf16, activations stay
/// bf16 between layers (the only type conversion is the f32 image going into the first layer; the logits come
/// out f32 from the head), and no primitive falls to a `ref:` kernel, in bf16 or in fp32. Without it: the same
/// request runs, and says, fp32 throughout.
final class BF16PlanTests: XCTestCase {
    /// RegNetY-400MF is the case that found `ref:` kernels: its 8-channel groups made oneDNN pick 8-channel blocks,
    /// which the squeeze-excitation's bf16 pooling and its multiply (bf16 and fp32, on AVX-512) cannot read.
    static let models = [
        "resnet50", "efficientnet_lite0", "efficientnet_b0", "efficientnet_v2_s", "mobilenet_v2", "mobilenet_v3_large",
        "mnasnet0_5", "regnet_y_400mf", "regnet_y_1_6gf", "regnet_x_400mf", "densenet121", "inception_v3", "googlenet",
        "squeezenet1_1", "vgg11_bn", "alexnet",
    ]

    func testEveryFamilyRunsBF16EndToEndOrSaysFP32() throws {
        for name in Self.models {
            let entry = try XCTUnwrap(ModelCatalog.entry(named: name), name)
            let graph = try entry.graph(weights: RandomWeights(), size: entry.preset.cropSize)
            for precision in [Precision.fp32, .bf16] {
                let model = try XCTUnwrap(
                    try DNNLBackend(options: .init(precision: precision, threads: 2)).compile(graph, batchSize: 2) as? DNNLModel)
                for batch in [2, 16] {
                    for step in try model.steps(batchSize: batch) {
                        XCTAssertFalse(step.implementation.hasPrefix("ref"), "\(name) \(precision) batch \(batch): \(step.step) ran \(step.implementation)")
                    }
                    let layers = try model.layerPrecisions(batchSize: batch)
                    let conversions = try model.typeConversions(batchSize: batch)
                    XCTAssertFalse(layers.layers.isEmpty, "\(name): no layers recorded")
                    guard precision == .bf16, DNNLBackend.hasNativeBF16 else {
                        XCTAssertEqual(model.precision, .fp32, name)
                        XCTAssertEqual(layers.counts, ["fp32": layers.layers.count], "\(name): \(layers.summary)")
                        XCTAssertEqual(conversions, [], name)
                        continue
                    }
                    XCTAssertEqual(layers.counts, ["bf16": layers.layers.count], "\(name) batch \(batch): \(layers.summary)")
                    XCTAssertEqual(conversions.count, 1, "\(name) batch \(batch): f32<->bf16 conversions \(conversions)")
                    let first = try XCTUnwrap(layers.layers.first).name
                    XCTAssertEqual(conversions.first?.hasSuffix(" -> \(first)"), true, "\(name): \(conversions) is not into \(first)")
                }
            }
        }
        if !DNNLBackend.hasNativeBF16 {
            throw XCTSkip("no native bf16 here (\(DNNLBackend.isaDescription)): checked the fp32 fallback only")
        }
    }
}
