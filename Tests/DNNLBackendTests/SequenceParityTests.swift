import DNNLBackend
import InferenceGraph
import TensorCore
import TestSupport
import XCTest

/// ReferenceBackend vs DNNLBackend for the ops of transformers and ConvNeXt: the (N, 4, 6, 8) input viewed as
/// tokens `(24, 8)` or heads `(2, 12, 8)`. Same tolerance as the convolution cases.
extension ParityTests {
    @discardableResult
    func sequence(
        file: StaticString = #filePath, line: UInt = #line, _ body: (GraphBuilder, ValueID, inout SeededRandom) -> ValueID
    ) throws -> DNNLModel? {
        try check(channels: 4, size: 8, height: 6, file: file, line: line, body)
    }

    func testLayerNormOverTokens() throws {
        try sequence { g, x, r in g.layerNorm(g.reshape(x, [24, 8]), weight: r.tensor([8]), bias: r.tensor([8]), epsilon: 1e-6) }
    }

    func testLayerNormOverChannelsAfterConv() throws {
        try sequence { g, x, r in
            let y = g.conv2d(x, weight: r.tensor([16, 4, 3, 3]), padding: .symmetric(1))
            return g.conv2d(g.layerNorm(y, weight: r.tensor([16]), bias: r.tensor([16]), axis: .channels), weight: r.tensor([8, 16, 1, 1]))
        }
    }

    func testAttentionOverHeads() throws {
        try sequence { g, x, r in
            let qkv = g.linear(g.reshape(x, [24, 8]), weight: r.tensor([24, 8]), bias: r.tensor([24]))
            let heads = g.permute(g.reshape(qkv, [24, 3, 2, 4]), [1, 2, 0, 3])  // (3, heads, T, d)
            let parts = (0..<3).map { i in g.reshape(g.slice(heads, axis: 0, i..<i + 1), [2, 24, 4]) }
            let (q, k, v) = (parts[0], parts[1], parts[2])
            let attention = g.softmax(g.matmul(q, k, transposeB: true, scale: 0.5))
            return g.reshape(g.permute(g.matmul(attention, v), [1, 0, 2]), [24, 8])
        }
    }

    /// Swin V2's cosine attention: normalized queries and keys, each head's scores times its own logit scale
    /// (a `(1, H, 1, 1)` constant on `(N, H, T, T)`), all on JIT kernels: oneDNN 2.6's norm reduction and its
    /// binary kernels for a broadcast other than per channel are `ref:any`, three quarters of Swin V2's time.
    func testCosineAttention() throws {
        let model = try sequence { g, x, r in
            let a = g.reshape(x, [2, 12, 8])
            let cosine = g.matmul(g.l2Normalize(a), g.l2Normalize(g.mul(a, g.constant(r.tensor([1, 12, 8])))), transposeB: true, scale: 3)
            return g.mul(cosine, g.constant(r.tensor([2, 1, 1])))
        }
        let implementations = try XCTUnwrap(model).implementations(batchSize: 1)
        XCTAssertFalse(implementations.contains { $0.contains(": ref:") }, "\(implementations)")
    }

    func testClassTokenAndPositionEmbedding() throws {
        try sequence { g, x, r in
            let tokens = g.concat([g.constant(r.tensor([1, 8])), g.reshape(x, [24, 8])], axis: 0)
            return g.gelu(g.add(tokens, g.constant(r.tensor([25, 8]))))
        }
    }

    func testBroadcastingMulAndAddOfConstants() throws {
        try sequence { g, x, r in
            let y = g.conv2d(x, weight: r.tensor([4, 4, 3, 3]), padding: .symmetric(1))
            return g.add(g.mul(y, g.constant(r.tensor([4, 1, 8]))), g.constant(r.tensor([1, 6, 1])))
        }
    }

    /// ConvNeXt's layer scale is a constant `(C, 1, 1)` product folded into the conv before it, then the
    /// residual add fuses: one convolution, no binary step.
    func testLayerScaleFoldsIntoConvAndResidualFuses() throws {
        let model = try sequence { g, x, r in
            let y = g.conv2d(x, weight: r.tensor([4, 4, 1, 1]), bias: r.tensor([4]))
            return g.add(g.mul(y, g.constant(r.tensor([4, 1, 1]))), x)
        }
        let graph = try XCTUnwrap(model).graph
        XCTAssertEqual(graph.histogram(), ["input": 1, "conv2d": 1], "\(graph.nodes.map(\.name))")
    }

    /// ShuffleNet's channel split and shuffle: slices along channels, then reshape-permute-reshape.
    func testChannelSplitAndShuffle() throws {
        try sequence { g, x, r in
            let (left, right) = (g.slice(x, axis: 0, 0..<2), g.slice(x, axis: 0, 2..<4))
            let branch = g.conv2d(right, weight: r.tensor([2, 2, 1, 1]))
            let joined = g.concat([left, branch])
            return g.reshape(g.permute(g.reshape(joined, [2, 2, 48]), [1, 0, 2]), [4, 6, 8])
        }
    }
}
