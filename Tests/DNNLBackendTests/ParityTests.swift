import DNNLBackend
import InferenceGraph
import ReferenceBackend
import TensorCore
import TestSupport
import XCTest

/// ReferenceBackend vs DNNLBackend, one case per op or fusion; batch 1 and 3.
///
/// fp32 tolerance: 1e-5 of the largest |reference value| (summation order differs; nothing else may).
/// The reference runs the graph as written, oneDNN runs it after BN folding and post-op fusion, so
/// every case also checks the passes.
final class ParityTests: XCTestCase {
    var rng = SeededRandom(state: 42)

    /// Builds a graph on a `channels x size x size` input with `body`, runs it on both backends, compares.
    @discardableResult
    func check(
        channels: Int = 4, size: Int = 9, height: Int? = nil, batches: [Int] = [1, 3], file: StaticString = #filePath, line: UInt = #line,
        _ body: (GraphBuilder, ValueID, inout SeededRandom) -> ValueID
    ) throws -> DNNLModel? {
        let g = GraphBuilder()
        let x = g.input("x", channels: channels, height: height ?? size, width: size)
        g.output(body(g, x, &rng))
        let graph = try g.build()
        let reference = try ReferenceBackend().compile(graph, batchSize: 1)
        let model = try DNNLBackend().compile(graph, batchSize: batches[0]) as? DNNLModel
        for n in batches {
            let input = rng.tensor(Shape([n] + graph.inputShape.dims)).scalars
            let expected = try reference.run(input, batchSize: n)
            let actual = try XCTUnwrap(model).run(input, batchSize: n)
            let scale = expected.map(abs).max() ?? 0
            XCTAssertGreaterThan(scale, 0, "degenerate case: all zeros", file: file, line: line)
            assertClose(actual, expected, atol: 1e-5 * scale, "batch \(n)", file: file, line: line)
        }
        return model
    }

    // MARK: - Convolution

    func testConv3x3Padded() throws {
        try check { g, x, r in g.conv2d(x, weight: r.tensor([8, 4, 3, 3]), bias: r.tensor([8]), padding: .symmetric(1)) }
    }

    func testConvStride2AsymmetricSamePadding() throws {
        let pad = Padding.same(height: 9, width: 9, kernel: (4, 4), stride: (2, 2))
        XCTAssertNotEqual(pad.top, pad.bottom)
        try check { g, x, r in g.conv2d(x, weight: r.tensor([8, 4, 4, 4]), bias: r.tensor([8]), stride: 2, padding: pad) }
    }

    func testConvDilated() throws {
        try check { g, x, r in g.conv2d(x, weight: r.tensor([8, 4, 3, 3]), padding: .symmetric(2), dilation: 2) }
    }

    func testConvGrouped() throws {
        try check(channels: 8) { g, x, r in g.conv2d(x, weight: r.tensor([16, 4, 3, 3]), bias: r.tensor([16]), padding: .symmetric(1), groups: 2) }
    }

    /// The intent: an optimised kernel, never oneDNN's `ref:` loops. Which one depends on the CPU
    /// (`jit:avx2` on AVX2, `brdgmm_dw:avx512_core` on AVX-512), so only `ref` is refused.
    func testDepthwiseConvUsesNoReferenceKernel() throws {
        let model = try check(channels: 16) { g, x, r in
            g.conv2d(x, weight: r.tensor([16, 1, 3, 3]), bias: r.tensor([16]), stride: 2, padding: .symmetric(1), groups: 16)
        }
        let impls = try XCTUnwrap(model).steps(batchSize: 1)
        let conv = try XCTUnwrap(impls.first { $0.step.hasPrefix("conv2d") })
        XCTAssertFalse(conv.implementation.hasPrefix("ref"), "depthwise conv ran \(conv.implementation)")
    }

    func testConv1x1NoBias() throws {
        try check { g, x, r in g.conv2d(x, weight: r.tensor([12, 4, 1, 1])) }
    }

    // MARK: - Batch norm, activations

    func testBatchNormFoldedIntoConv() throws {
        try check { g, x, r in
            let bn = r.batchNorm(8)
            let y = g.conv2d(x, weight: r.tensor([8, 4, 3, 3]), padding: .symmetric(1))
            return g.batchNorm(y, mean: bn.mean, variance: bn.variance, weight: bn.weight, bias: bn.bias)
        }
    }

    func testBatchNormStandalone() throws {
        try check { g, x, r in
            let bn = r.batchNorm(4)
            return g.batchNorm(g.maxPool(x, kernel: 2, stride: 1), mean: bn.mean, variance: bn.variance, weight: bn.weight, bias: bn.bias)
        }
    }

    func testActivationsStandalone() throws {
        for activation in Activation.allCases {
            try check { g, x, _ in g.activation(g.maxPool(x, kernel: 2, stride: 1), activation) }
        }
    }

    func testActivationsFusedIntoConv() throws {
        for activation in Activation.allCases {
            try check { g, x, r in
                g.activation(g.conv2d(x, weight: r.tensor([8, 4, 3, 3], scale: 2), bias: r.tensor([8]), padding: .symmetric(1)), activation)
            }
        }
    }

    // MARK: - Add, mul

    func testAddUnfused() throws {
        try check { g, x, _ in g.add(g.maxPool(x, kernel: 3, stride: 1, padding: .symmetric(1)), x) }
    }

    func testResidualAddAndReluFusedIntoConv() throws {
        try check { g, x, r in
            let y = g.conv2d(x, weight: r.tensor([4, 4, 3, 3]), bias: r.tensor([4]), padding: .symmetric(1))
            let z = g.conv2d(y, weight: r.tensor([4, 4, 3, 3]), padding: .symmetric(1))
            return g.relu(g.add(z, y))
        }
    }

    func testResidualIsTheConvInput() throws {
        // conv(x) + x where x dies at the add: the sum must not overwrite the conv's own source.
        try check { g, x, r in
            let y = g.relu(g.conv2d(x, weight: r.tensor([4, 4, 1, 1])))
            return g.relu(g.add(g.conv2d(y, weight: r.tensor([4, 4, 3, 3]), padding: .symmetric(1)), y))
        }
    }

    func testSqueezeExciteMulBroadcast() throws {
        try check(channels: 8) { g, x, r in
            let s = g.adaptiveAvgPool(x)
            let squeezed = g.silu(g.conv2d(s, weight: r.tensor([2, 8, 1, 1]), bias: r.tensor([2])))
            let excite = g.sigmoid(g.conv2d(squeezed, weight: r.tensor([8, 2, 1, 1]), bias: r.tensor([8])))
            return g.mul(x, excite)
        }
    }

    func testMulSameShape() throws {
        try check { g, x, _ in g.mul(x, g.avgPool(x, kernel: 3, stride: 1, padding: .symmetric(1))) }
    }

    // MARK: - Pooling, flatten, linear

    func testMaxPoolStride2Padded() throws {
        try check { g, x, _ in g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1)) }
    }

    func testAvgPoolCountIncludeAndExcludePad() throws {
        for include in [true, false] {
            try check { g, x, _ in g.avgPool(x, kernel: 3, stride: 2, padding: .symmetric(1), countIncludePad: include) }
        }
    }

    func testAdaptiveAvgPool() throws {
        try check(size: 8) { g, x, _ in g.adaptiveAvgPool(x) }
        try check(size: 8) { g, x, _ in g.adaptiveAvgPool(x, height: 2, width: 4) }
    }

    func testFlattenLinear() throws {
        try check(size: 3) { g, x, r in g.linear(g.flatten(x), weight: r.tensor([10, 36]), bias: r.tensor([10])) }
    }

    func testMaxPoolCeilMode() throws {
        // 10 -> 5 (floor would give 4); with padding 1: 10 -> 6; 9 -> 4 where the last window would start in the padding
        try check(size: 10) { g, x, _ in g.maxPool(x, kernel: 3, stride: 2, ceilMode: true) }
        try check(size: 10) { g, x, _ in g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1), ceilMode: true) }
        try check(size: 5) { g, x, _ in g.maxPool(x, kernel: 2, stride: 2, padding: .symmetric(1), ceilMode: true) }
    }

    func testAvgPoolCeilModeExcludingPad() throws {
        try check(size: 10) { g, x, _ in g.avgPool(x, kernel: 3, stride: 2, padding: .symmetric(1), countIncludePad: false, ceilMode: true) }
    }

    // MARK: - Concat

    /// Three operands of different channel counts and layouts: the plain input and two blocked conv outputs.
    func testConcatOfInputAndConvs() throws {
        try check(channels: 8) { g, x, r in
            let a = g.conv2d(x, weight: r.tensor([16, 8, 1, 1]), bias: r.tensor([16]))
            let b = g.relu(g.conv2d(x, weight: r.tensor([8, 8, 3, 3]), padding: .symmetric(1)))
            return g.concat([a, x, b])
        }
    }

    /// A Fire module (SqueezeNet): squeeze, then 1x1 and 3x3 expands concatenated.
    func testConcatOfTwoBranches() throws {
        try check(channels: 16, size: 13) { g, x, r in
            let s = g.relu(g.conv2d(x, weight: r.tensor([8, 16, 1, 1]), bias: r.tensor([8])))
            let e1 = g.relu(g.conv2d(s, weight: r.tensor([16, 8, 1, 1]), bias: r.tensor([16])))
            let e3 = g.relu(g.conv2d(s, weight: r.tensor([16, 8, 3, 3]), bias: r.tensor([16]), padding: .symmetric(1)))
            return g.maxPool(g.concat([e1, e3]), kernel: 3, stride: 2, ceilMode: true)
        }
    }

    /// Two DenseNet layers: each reads the concat of everything before it through a standalone batch norm and ReLU.
    /// The concat of the plain input and blocked conv outputs must not leave a layout (at batch 1 too) that only
    /// oneDNN's reference batch norm or pooling take.
    func testDenseBlockWithStandaloneBatchNorm() throws {
        let model = try check(channels: 16, size: 8) { g, x, r in
            var features = [x]
            var channels = 16
            for _ in 0..<2 {
                let bn1 = r.batchNorm(channels), bn2 = r.batchNorm(32)
                let cat = features.count == 1 ? x : g.concat(features)
                var y = g.relu(g.batchNorm(cat, mean: bn1.mean, variance: bn1.variance, weight: bn1.weight, bias: bn1.bias))
                y = g.conv2d(y, weight: r.tensor([32, channels, 1, 1]))
                y = g.relu(g.batchNorm(y, mean: bn2.mean, variance: bn2.variance, weight: bn2.weight, bias: bn2.bias))
                features.append(g.conv2d(y, weight: r.tensor([8, 32, 3, 3]), padding: .symmetric(1)))
                channels += 8
            }
            return g.avgPool(g.concat(features), kernel: 2, stride: 2)
        }
        for n in [1, 3] {
            for step in try XCTUnwrap(model).steps(batchSize: n) where step.step.hasPrefix("batchnorm") || step.step.hasPrefix("avgpool") {
                XCTAssertFalse(step.implementation.contains("ref"), "batch \(n): \(step.step) ran \(step.implementation)")
            }
        }
    }

    // MARK: - Capabilities and errors

    func testCeilModeAveragePoolCountingAnOverhangIsUnsupported() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 10, width: 10)
        g.output(g.avgPool(x, kernel: 3, stride: 2, countIncludePad: true, ceilMode: true))
        let graph = try g.build()
        XCTAssertFalse(DNNLBackend().supports(graph.nodes[1], in: graph))
    }

    func testUnevenAdaptivePoolIsUnsupported() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 7, width: 7)
        g.output(g.adaptiveAvgPool(x, height: 2, width: 2))
        let graph = try g.build()
        XCTAssertFalse(DNNLBackend().supports(graph.nodes[1], in: graph))
        XCTAssertThrowsError(try DNNLBackend().compile(graph, batchSize: 1)) { error in
            XCTAssertTrue("\(error)".contains("cannot run"), "\(error)")
        }
    }

    func testBF16FallsBackOrAgreesWithFP32() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 16, height: 8, width: 8)
        g.output(g.relu(g.conv2d(x, weight: rng.tensor([16, 16, 3, 3]), padding: .symmetric(1))))
        let graph = try g.build()
        let bf16 = try XCTUnwrap(try DNNLBackend(options: .init(precision: .bf16)).compile(graph, batchSize: 2) as? DNNLModel)
        guard DNNLBackend.hasNativeBF16 else {
            XCTAssertEqual(bf16.precision, .fp32, "without AVX512-BF16 the backend must fall back to fp32")
            throw XCTSkip("no AVX512-BF16 here (\(DNNLBackend.isaDescription)): bf16 accuracy not measurable")
        }
        let input = rng.tensor([2, 16, 8, 8]).scalars
        let expected = try DNNLBackend().compile(graph, batchSize: 2).run(input, batchSize: 2)
        let actual = try bf16.run(input, batchSize: 2)
        // bf16 keeps 8 mantissa bits: inputs and weights round by 2^-9 relative; a 144-term dot product of
        // such values drifts by about 1% of its largest magnitude.
        assertClose(actual, expected, atol: 2e-2 * (expected.map(abs).max() ?? 0))
    }
}
