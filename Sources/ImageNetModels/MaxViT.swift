// MaxViT-T as torchvision builds it.
//
// Paper: Z. Tu, H. Talebi, H. Zhang, F. Yang, P. Milanfar, A. Bovik, Y. Li, "MaxViT: Multi-Axis Vision Transformer",
// ECCV 2022, https://arxiv.org/abs/2204.01697.
// Upstream: pytorch/vision v0.14.1, torchvision/models/maxvit.py (MaxVit, MaxVitBlock, MaxVitLayer, MBConv,
// PartitionAttentionLayer, RelativePositionalMultiHeadAttention, WindowPartition, WindowDepartition).
// NOTE: attention scores are scaled by the layer's width, `feat_dim ** -0.5`, not the head's, as torchvision does;
// the relative position bias is gathered once, at build time (its `relative_position_index` buffer is computed, not
// read); batch norms use eps 1e-3; stochastic depth and dropout are identity. As torchvision, the input size must
// give every block a grid of whole 7x7 partitions (224 does). Parameter names are torchvision's state_dict keys
// (`blocks.0.layers.0.layers.MBconv.layers.conv_a.0.weight`, `blocks.0.layers.0.layers.grid_attention.attn_layer.1.to_qkv.weight`).
import InferenceGraph
import TensorCore

// Layout letters: C channels, H/W spatial, G groups of T = 7² tokens, d = 32 features per head. Activations are
// (N, C, H, W) float32 between layers, (N, G, T, C) inside the attention layers.

/// torchvision's MaxVit.
public enum MaxViT {
    public enum Variant: String, Sendable, CaseIterable {
        case maxvit_t

        /// Stem channels, channels and layers of each block, features per head, partition size (`maxvit_t`'s arguments).
        var shape: (stem: Int, blocks: [(channels: Int, layers: Int)], headDim: Int, partition: Int) {
            switch self {
            case .maxvit_t: (64, [(64, 2), (128, 2), (256, 5), (512, 2)], 32, 7)
            }
        }
    }

    static let batchNormEpsilon: Float = 1e-3

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    ///
    /// - Throws: ``GraphError/shapeMismatch(node:detail:)`` when a block's grid is not made of whole partitions.
    public static func graph(_ variant: Variant, weights w: WeightSource, size: Int = 224) throws -> Graph {
        let (stem, blocks, headDim, partition) = variant.shape
        try checkGrids(size: size, blocks: blocks.count, partition: partition)
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: 3x3/2 conv, batch norm, GELU; 3x3 conv with bias: (3, S, S) -> (C0, S/2, S/2)
        x = TorchvisionLayers.convNormActivation(
            g, x, w, "stem.0", in: 3, out: stem, kernel: 3, stride: 2, epsilon: batchNormEpsilon, activation: .gelu)
        x = g.conv2d(
            x, weight: w.tensor("stem.1.0.weight", [stem, stem, 3, 3]), bias: w.tensor("stem.1.0.bias", [stem]),
            padding: .symmetric(1), name: "stem.1.0")
        var channels = stem
        for (i, block) in blocks.enumerated() {
            for j in 0..<block.layers {
                // MaxVitLayer: MBConv (the first one halves the grid), then window attention, then grid attention
                let p = "blocks.\(i).layers.\(j).layers"
                x = mbConv(g, x, w, "\(p).MBconv", in: channels, out: block.channels, stride: j == 0 ? 2 : 1)
                channels = block.channels
                for grid in [false, true] {
                    x = partitionAttention(
                        g, x, w, "\(p).\(grid ? "grid" : "window")_attention", grid: grid, headDim: headDim,
                        partition: partition)
                }
            }
        }
        // classifier: average pool, LayerNorm, Linear, tanh, Linear without bias
        x = TransformerLayers.layerNorm(
            g, g.flatten(g.adaptiveAvgPool(x)), w, "classifier.2", features: channels, epsilon: 1e-5)
        x = g.tanh(TransformerLayers.linear(g, x, w, "classifier.3", in: channels, out: channels))
        let classes = w.classCount(head: "classifier.5.weight")
        g.output(g.linear(x, weight: w.tensor("classifier.5.weight", [classes, channels]), name: "classifier.5"))
        try w.finish()
        return try g.build()
    }

    /// torchvision's `_make_block_input_shapes` check: the stem and every block halve the grid (3x3/2, padding 1),
    /// and each block's grid must be a multiple of the partition size.
    static func checkGrids(size: Int, blocks: Int, partition: Int) throws(GraphError) {
        let grids = (1...blocks).map { b in (0...b).reduce(size) { s, _ in (s + 1) / 2 } }
        guard let bad = grids.firstIndex(where: { $0 % partition != 0 }) else { return }
        throw .shapeMismatch(
            node: "blocks.\(bad)",
            detail: "MaxViT needs every block's grid to be a multiple of \(partition); input \(size) gives grids "
                + "\(grids) (224 gives [56, 28, 14, 7])")
    }

    /// `MBConv`: pre-norm, 1x1 expansion to 4x, depthwise 3x3 (with the stride), squeeze-excitation (SiLU, a
    /// quarter of the output channels), 1x1 projection; plus the input, average pooled (3x3/2) and projected by a 1x1
    /// conv with bias when the shape changes.
    // (C, H, W) -> (out, H/stride, W/stride)
    static func mbConv(
        _ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, in c: Int, out: Int, stride: Int
    ) -> ValueID {
        let mid = 4 * out, eps = batchNormEpsilon
        var shortcut = input
        if stride != 1 || c != out {
            if stride == 2 {
                shortcut = g.avgPool(input, kernel: 3, stride: 2, padding: .symmetric(1), name: "\(p).proj.0")
            }
            let key = "\(p).proj.\(stride == 2 ? 1 : 0)"
            shortcut = g.conv2d(
                shortcut, weight: w.tensor("\(key).weight", [out, c, 1, 1]), bias: w.tensor("\(key).bias", [out]),
                name: key)
        }
        var x = batchNorm(g, input, w, "\(p).layers.pre_norm", channels: c, epsilon: eps)
        x = TorchvisionLayers.convNormActivation(
            g, x, w, "\(p).layers.conv_a", in: c, out: mid, kernel: 1, epsilon: eps, activation: .gelu)
        x = TorchvisionLayers.convNormActivation(
            g, x, w, "\(p).layers.conv_b", in: mid, out: mid, kernel: 3, stride: stride, groups: mid, epsilon: eps,
            activation: .gelu)
        x = TorchvisionLayers.squeezeExcitation(
            g, x, w, "\(p).layers.squeeze_excitation", channels: mid, squeeze: out / 4, activation: .silu)
        x = g.conv2d(
            x, weight: w.tensor("\(p).layers.conv_c.weight", [out, mid, 1, 1]),
            bias: w.tensor("\(p).layers.conv_c.bias", [out]), name: "\(p).layers.conv_c")
        return g.add(x, shortcut, name: "\(p).add")
    }

    /// `PartitionAttentionLayer`: the map cut into groups of 7x7 tokens, `x + attention(norm(x))` and
    /// `x + mlp(norm(x))` on each group, the map put back together. `window` groups are the 7x7 windows; `grid`
    /// groups are 7x7 tokens spread evenly over the map (torchvision's partition into H/7 cells, then its swap of
    /// the group and token axes).
    // (C, H, W) -> (C, H, W)
    static func partitionAttention(
        _ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, grid: Bool, headDim: Int, partition: Int
    ) -> ValueID {
        let (c, h, wd) = (g.shape(of: input)[0], g.shape(of: input)[1], g.shape(of: input)[2])
        let t = partition * partition
        // (C, H, W) -> (C, H/cell, cell, W/cell, cell) = (C, a, i, b, j) -> window: (a, b, i, j, C), grid: (i, j, a, b, C)
        let cell = grid ? h / partition : partition
        let split = [c, h / cell, cell, wd / cell, cell], order = grid ? [2, 4, 1, 3, 0] : [1, 3, 2, 4, 0]
        var x = g.reshape(g.permute(g.reshape(input, Shape(split)), order, name: "\(p).partition"), [h * wd / t, t, c])
        // (G, T, C) -> (G, T, C)
        let normalized = TransformerLayers.layerNorm(g, x, w, "\(p).attn_layer.0", features: c, epsilon: 1e-5)
        x = g.add(
            x, relativeAttention(g, normalized, w, "\(p).attn_layer.1", heads: c / headDim, partition: partition),
            name: "\(p).add_1")
        var y = TransformerLayers.layerNorm(g, x, w, "\(p).mlp_layer.0", features: c, epsilon: 1e-5)
        y = g.gelu(TransformerLayers.linear(g, y, w, "\(p).mlp_layer.1", in: c, out: 4 * c))
        x = g.add(x, TransformerLayers.linear(g, y, w, "\(p).mlp_layer.3", in: 4 * c, out: c), name: "\(p).add_2")
        // back: (G, T, C) -> the permuted split -> (C, a, i, b, j) -> (C, H, W)
        var inverse = order
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        let departed = g.permute(g.reshape(x, Shape(order.map { split[$0] })), inverse, name: "\(p).departition")
        return g.reshape(departed, [c, h, wd])
    }

    /// `RelativePositionalMultiHeadAttention`: `to_qkv`, `softmax(q kᵀ / sqrt(C) + bias) v` per head, `merge`.
    // (G, T, C) -> (G, T, C)
    static func relativeAttention(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, heads: Int, partition: Int
    ) -> ValueID {
        let c = g.shape(of: x)[2], rows = (2 * partition - 1) * (2 * partition - 1)
        w.ignore(prefix: "\(p).relative_position_index")
        let table = w.tensor("\(p).relative_position_bias_table", [rows, heads])
        let bias = g.constant(
            TransformerLayers.relativePositionBias(table: table, size: partition), name: "\(p).relative_position_bias")
        let qkv = TransformerLayers.linear(g, x, w, "\(p).to_qkv", in: c, out: 3 * c)
        let joined = TransformerLayers.attention(g, qkv, heads: heads, p) { q, k in
            g.add(g.matmul(q, k, transposeB: true, scale: 1 / Float(c).squareRoot(), name: "\(p).scores"), bias)
        }
        return TransformerLayers.linear(g, joined, w, "\(p).merge", in: c, out: c)
    }
}
