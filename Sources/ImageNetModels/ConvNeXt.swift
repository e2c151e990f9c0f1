// ConvNeXt tiny, small, base and large as torchvision builds them.
//
// Paper: Z. Liu, H. Mao, C.-Y. Wu, C. Feichtenhofer, T. Darrell, S. Xie, "A ConvNet for the 2020s", CVPR 2022,
// https://arxiv.org/abs/2201.03545.
// Upstream: pytorch/vision v0.14.1, torchvision/models/convnext.py (ConvNeXt, CNBlock, LayerNorm2d).
// NOTE: torchvision applies the block's two linear layers channels-last (after a Permute); a linear over the
// channels of each pixel is a 1x1 convolution, which is how they are built here, on the same `[out, in]`
// weights. Stochastic depth is identity at inference; layer norms use eps 1e-6. Parameter names are
// torchvision's state_dict keys (`features.1.0.block.3.weight`, `features.1.0.layer_scale`).
import InferenceGraph
import TensorCore

// Layout letters: C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's ConvNeXt.
public enum ConvNeXt {
    public enum Variant: String, Sendable, CaseIterable {
        case convnext_tiny, convnext_small, convnext_base, convnext_large

        /// Channels and block count of each of the four stages (`CNBlockConfig`).
        var stages: [(channels: Int, blocks: Int)] {
            switch self {
            case .convnext_tiny: [(96, 3), (192, 3), (384, 9), (768, 3)]
            case .convnext_small: [(96, 3), (192, 3), (384, 27), (768, 3)]
            case .convnext_base: [(128, 3), (256, 3), (512, 27), (1024, 3)]
            case .convnext_large: [(192, 3), (384, 3), (768, 27), (1536, 3)]
            }
        }
    }

    static let epsilon: Float = 1e-6

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights w: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        let stages = variant.stages
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: 4x4/4 patchify conv and LayerNorm2d, (3, 224, 224) -> (C0, 56, 56)
        x = g.conv2d(x, weight: w.tensor("features.0.0.weight", [stages[0].channels, 3, 4, 4]),
                     bias: w.tensor("features.0.0.bias", [stages[0].channels]), stride: 4, name: "features.0.0")
        x = layerNorm2d(g, x, w, "features.0.1", channels: stages[0].channels)
        for (i, stage) in stages.enumerated() {
            for j in 0..<stage.blocks { x = block(g, x, w, "features.\(1 + 2 * i).\(j)", channels: stage.channels) }
            guard i + 1 < stages.count else { break }
            // downsample: LayerNorm2d, then a 2x2/2 conv to the next stage's channels
            let p = "features.\(2 + 2 * i)", next = stages[i + 1].channels
            x = layerNorm2d(g, x, w, "\(p).0", channels: stage.channels)
            x = g.conv2d(x, weight: w.tensor("\(p).1.weight", [next, stage.channels, 2, 2]), bias: w.tensor("\(p).1.bias", [next]),
                         stride: 2, name: "\(p).1")
        }
        // classifier: average pool, LayerNorm2d, flatten, linear
        let last = stages[stages.count - 1].channels
        x = g.flatten(layerNorm2d(g, g.adaptiveAvgPool(x), w, "classifier.0", channels: last))
        let classes = w.classCount(head: "classifier.2.weight")
        g.output(g.linear(x, weight: w.tensor("classifier.2.weight", [classes, last]), bias: w.tensor("classifier.2.bias", [classes]),
                          name: "classifier.2"))
        try w.finish()
        return try g.build()
    }

    /// `CNBlock`: depthwise 7x7, LayerNorm over channels, Linear(C, 4C), GELU, Linear(4C, C), times the
    /// per-channel layer scale, plus the input.
    // (C, H, W) -> (C, H, W)
    static func block(_ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, channels c: Int) -> ValueID {
        var x = g.conv2d(input, weight: w.tensor("\(p).block.0.weight", [c, 1, 7, 7]), bias: w.tensor("\(p).block.0.bias", [c]),
                         padding: .symmetric(3), groups: c, name: "\(p).block.0")
        x = layerNorm2d(g, x, w, "\(p).block.2", channels: c)
        x = g.gelu(pointwise(g, x, w, "\(p).block.3", in: c, out: 4 * c))
        x = pointwise(g, x, w, "\(p).block.5", in: 4 * c, out: c)
        let scale = g.constant(w.tensor("\(p).layer_scale", [c, 1, 1]), name: "\(p).layer_scale")
        return g.add(g.mul(x, scale, name: "\(p).scale"), input, name: "\(p).add")
    }

    /// `nn.Linear(in, out)` applied to the channels of every pixel: a 1x1 convolution with the same weights.
    // (in, H, W) -> (out, H, W)
    static func pointwise(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int) -> ValueID {
        let weight = w.tensor("\(p).weight", [out, channels])
        return g.conv2d(x, weight: Tensor(shape: [out, channels, 1, 1], scalars: weight.scalars), bias: w.tensor("\(p).bias", [out]), name: p)
    }

    /// `LayerNorm2d`: each pixel normalized over its channels.
    // (C, H, W) -> (C, H, W)
    static func layerNorm2d(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, channels: Int) -> ValueID {
        g.layerNorm(x, weight: w.tensor("\(p).weight", [channels]), bias: w.tensor("\(p).bias", [channels]), epsilon: epsilon,
                    axis: .channels, name: p)
    }
}
