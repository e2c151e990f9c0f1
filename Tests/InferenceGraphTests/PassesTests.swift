import InferenceGraph
import ReferenceBackend
import TensorCore
import TestSupport
import XCTest

/// Folding and fusion keep the outputs (reference backend) and really remove nodes.
final class PassesTests: XCTestCase {
    var rng = SeededRandom(state: 7)

    /// conv-bn-relu, conv-bn + identity, relu: one ResNet basic block on 4 channels.
    func basicBlock() throws -> Graph {
        let g = GraphBuilder()
        let x = g.input("x", channels: 4, height: 6, width: 6)
        let bn1 = rng.batchNorm(4), bn2 = rng.batchNorm(4)
        var y = g.conv2d(x, weight: rng.tensor([4, 4, 3, 3]), padding: .symmetric(1), name: "conv1")
        y = g.relu(g.batchNorm(y, mean: bn1.mean, variance: bn1.variance, weight: bn1.weight, bias: bn1.bias, name: "bn1"))
        y = g.conv2d(y, weight: rng.tensor([4, 4, 3, 3]), padding: .symmetric(1), name: "conv2")
        y = g.batchNorm(y, mean: bn2.mean, variance: bn2.variance, weight: bn2.weight, bias: bn2.bias, name: "bn2")
        g.output(g.relu(g.add(y, x)))
        return try g.build()
    }

    func outputs(_ graph: Graph, _ input: [Float], batch: Int) throws -> [Float] {
        try ReferenceBackend().compile(graph, batchSize: batch).run(input, batchSize: batch)
    }

    func testFoldingBatchNormKeepsOutputsAndDropsNodes() throws {
        let graph = try basicBlock()
        let folded = graph.foldingBatchNorm()
        XCTAssertEqual(graph.histogram()["batchnorm"], 2)
        XCTAssertNil(folded.histogram()["batchnorm"])
        XCTAssertEqual(folded.nodes.count, graph.nodes.count - 2)
        let input = rng.tensor([2, 4, 6, 6]).scalars
        let expected = try outputs(graph, input, batch: 2)
        assertClose(try outputs(folded, input, batch: 2), expected, atol: 1e-5 * (expected.map(abs).max() ?? 1))
    }

    func testFusingGivesTwoConvsWithPostOps() throws {
        let graph = try basicBlock()
        let fused = graph.optimized()
        XCTAssertEqual(fused.nodes.map(\.op.kind), ["input", "conv2d", "conv2d"])
        guard case .conv2d(let first) = fused.nodes[1].op, case .conv2d(let second) = fused.nodes[2].op else {
            return XCTFail("expected two convolutions")
        }
        XCTAssertEqual(first.postOps, [.activation(.relu)])
        XCTAssertEqual(second.postOps, [.residualAdd, .activation(.relu)])
        XCTAssertEqual(fused.nodes[2].inputs, [ValueID(1), ValueID(0)], "conv2 reads conv1's output and the block input")
        XCTAssertEqual(fused.nodes[2].name, "conv2+bn2+add_6+relu_7")
        let input = rng.tensor([3, 4, 6, 6]).scalars
        let expected = try outputs(graph, input, batch: 3)
        assertClose(try outputs(fused, input, batch: 3), expected, atol: 1e-5 * (expected.map(abs).max() ?? 1))
    }

    /// A transformer MLP with its residual, `x + fc2(gelu(fc1(x)))`: two linear layers, GELU and the add fused.
    func testLinearLayersTakeTheirActivationAndResidual() throws {
        let g = GraphBuilder()
        let x = g.reshape(g.input("x", channels: 2, height: 3, width: 4), [6, 4])
        let hidden = g.gelu(g.linear(x, weight: rng.tensor([8, 4]), bias: rng.tensor([8]), name: "fc1"))
        g.output(g.add(x, g.linear(hidden, weight: rng.tensor([4, 8]), bias: rng.tensor([4]), name: "fc2")))
        let graph = try g.build()
        let fused = graph.optimized()
        XCTAssertEqual(fused.nodes.map(\.op.kind), ["input", "reshape", "linear", "linear"])
        guard case .linear(let first) = fused.nodes[2].op, case .linear(let second) = fused.nodes[3].op else {
            return XCTFail("expected two linear layers")
        }
        XCTAssertEqual(first.postOps, [.activation(.gelu)])
        XCTAssertEqual(second.postOps, [.residualAdd])
        XCTAssertEqual(fused.nodes[3].inputs, [ValueID(2), ValueID(1)], "fc2 reads fc1's output and the tokens")
        let input = rng.tensor([3, 2, 3, 4]).scalars
        let expected = try outputs(graph, input, batch: 3)
        assertClose(try outputs(fused, input, batch: 3), expected, atol: 1e-6 * (expected.map(abs).max() ?? 1))
    }

    func testSharedConvOutputIsNotFused() throws {
        // The conv's result feeds both relu and the add: neither may swallow it.
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 4, width: 4)
        let y = g.conv2d(x, weight: rng.tensor([2, 2, 1, 1]))
        g.output(g.add(g.relu(y), y))
        let graph = try g.build()
        XCTAssertEqual(graph.optimized(), graph)
    }

    func testResidualFromALaterConvMovesTheFusedNode() throws {
        // add(conv3(y), downsample(x)): the downsample conv comes after conv3 in node order, so the fused
        // conv3 must run at the add's position, after its residual exists.
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 4, width: 4)
        let main = g.conv2d(x, weight: rng.tensor([4, 2, 1, 1]), name: "conv3")
        let shortcut = g.conv2d(x, weight: rng.tensor([4, 2, 1, 1]), name: "downsample")
        g.output(g.relu(g.add(main, shortcut)))
        let graph = try g.build()
        let fused = graph.optimized()
        XCTAssertEqual(fused.nodes.count, 3)
        XCTAssertEqual(fused.nodes.map(\.name), ["x", "downsample", "conv3+add_3+relu_4"])
        let input = rng.tensor([1, 2, 4, 4]).scalars
        assertClose(try outputs(fused, input, batch: 1), try outputs(graph, input, batch: 1), atol: 1e-6)
    }
    func testConcatIsNeverFusedAcross() throws {
        // DenseNet's shape: conv-bn feeds a concat; the concat feeds bn-relu-conv. The first batch norm folds
        // into its conv, the one after the concat stays, and nothing is merged into or out of the concat.
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 5, width: 5)
        let bn1 = rng.batchNorm(3), bn2 = rng.batchNorm(5)
        let y = g.batchNorm(
            g.conv2d(x, weight: rng.tensor([3, 2, 3, 3]), padding: .symmetric(1), name: "conv1"),
            mean: bn1.mean, variance: bn1.variance, weight: bn1.weight, bias: bn1.bias, name: "bn1")
        let cat = g.concat([x, y], name: "cat")
        let z = g.relu(g.batchNorm(cat, mean: bn2.mean, variance: bn2.variance, weight: bn2.weight, bias: bn2.bias, name: "bn2"))
        g.output(g.conv2d(z, weight: rng.tensor([4, 5, 1, 1]), name: "conv2"))
        let graph = try g.build()
        let fused = graph.optimized()
        XCTAssertEqual(fused.nodes.map(\.name), ["x", "conv1+bn1", "cat", "bn2", "relu_5", "conv2"])
        let input = rng.tensor([2, 2, 5, 5]).scalars
        let expected = try outputs(graph, input, batch: 2)
        assertClose(try outputs(fused, input, batch: 2), expected, atol: 1e-5 * (expected.map(abs).max() ?? 1))
    }
}
