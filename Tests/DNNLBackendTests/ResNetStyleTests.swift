import DNNLBackend
import InferenceGraph
import ReferenceBackend
import TensorCore
import TestSupport
import XCTest

/// A small ResNet-shaped network end to end on both backends: stem conv-bn-relu, maxpool, a basic
/// block with identity shortcut, a strided block with a downsample conv, global pool, linear. Channels come
/// in 16s, as in real networks: AVX-512's blocked kernels take 16 at a time (8 channels fall back to channels-last).
final class ResNetStyleTests: XCTestCase {
    var rng = SeededRandom(state: 2024)

    func convBN(_ g: GraphBuilder, _ x: ValueID, _ c: Int, _ k: Int, kernel: Int, stride: Int = 1, name: String) -> ValueID {
        let bn = rng.batchNorm(k)
        let w = rng.tensor([k, c, kernel, kernel], scale: 1 / Float(c * kernel * kernel).squareRoot())
        let y = g.conv2d(x, weight: w, stride: stride, padding: .symmetric(kernel / 2), name: "\(name).conv")
        return g.batchNorm(y, mean: bn.mean, variance: bn.variance, weight: bn.weight, bias: bn.bias, name: "\(name).bn")
    }

    func block(_ g: GraphBuilder, _ x: ValueID, _ c: Int, _ k: Int, stride: Int, name: String) -> ValueID {
        let y = g.relu(convBN(g, x, c, k, kernel: 3, stride: stride, name: "\(name).1"))
        let z = convBN(g, y, k, k, kernel: 3, name: "\(name).2")
        let shortcut = stride == 1 && c == k ? x : convBN(g, x, c, k, kernel: 1, stride: stride, name: "\(name).downsample")
        return g.relu(g.add(z, shortcut))
    }

    func network() throws -> Graph {
        let g = GraphBuilder()
        let x = g.input("x", channels: 3, height: 20, width: 20)
        var y = g.relu(convBN(g, x, 3, 16, kernel: 5, stride: 2, name: "stem"))
        y = g.maxPool(y, kernel: 3, stride: 2, padding: .symmetric(1))
        y = block(g, y, 16, 16, stride: 1, name: "layer1")
        y = block(g, y, 16, 32, stride: 2, name: "layer2")
        y = g.flatten(g.adaptiveAvgPool(y))
        g.output(g.linear(y, weight: rng.tensor([10, 32]), bias: rng.tensor([10]), name: "fc"))
        return try g.build()
    }

    func testBothBackendsAgree() throws {
        let graph = try network()
        XCTAssertEqual(graph.optimized().histogram(), ["input": 1, "conv2d": 6, "maxpool": 1, "adaptiveavgpool": 1, "reshape": 1, "linear": 1])
        let reference = try ReferenceBackend().compile(graph, batchSize: 3)
        let model = try XCTUnwrap(try DNNLBackend().compile(graph, batchSize: 3) as? DNNLModel)
        let constantBytes = model.constantBytes
        XCTAssertGreaterThan(constantBytes, 0)
        for n in [3, 1, 3] {  // batch 1 builds a second plan; the repeat reuses the first
            let input = rng.tensor([n, 3, 20, 20]).scalars
            let expected = try reference.run(input, batchSize: n)
            assertClose(try model.run(input, batchSize: n), expected, atol: 1e-5 * (expected.map(abs).max() ?? 0), "batch \(n)")
        }
        // The batch-1 plan reuses the batch-3 plan's weights; only a layer whose kernel wants another
        // layout at batch 1 (here the stem or the linear layer, a few hundred bytes) adds its own copy.
        XCTAssertLessThan(model.constantBytes, constantBytes * 5 / 4, "the batch-1 plan shares the batch-3 plan's weights")
        let impls = try model.steps(batchSize: 3)
        let convs = impls.filter { $0.step.hasSuffix("relu") || $0.step.contains(".conv") }
        XCTAssertFalse(convs.isEmpty)
        for conv in convs { XCTAssertFalse(conv.implementation.hasPrefix("ref"), "\(conv.step): \(conv.implementation)") }
        // Blocked layouts flow between the convolutions: the only reorders are at the graph edges and flatten.
        let reorders = impls.filter { $0.step.hasPrefix("reorder") }.map(\.step)
        XCTAssertLessThanOrEqual(reorders.count, 3, "\(reorders)")
    }
}
