// ResNet-18, 34, 50, 101 and 152 as torchvision builds them.
//
// Paper: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
// https://arxiv.org/abs/1512.03385.
// Upstream: pytorch/vision v0.14.1, torchvision/models/resnet.py. NOTE: like torchvision ("ResNet V1.5"),
// the bottleneck puts its stride on the 3x3 convolution, not the first 1x1.
// Parameter names are torchvision's state_dict keys, so weights load with no rename table.
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's ResNet family.
public enum ResNet {
    /// The depth, holding the block table.
    public enum Depth: Int, Sendable, CaseIterable {
        case resnet18 = 18, resnet34 = 34, resnet50 = 50, resnet101 = 101, resnet152 = 152

        /// Blocks per stage (layer1...layer4).
        public var blockCounts: [Int] {
            switch self {
            case .resnet18: [2, 2, 2, 2]
            case .resnet34: [3, 4, 6, 3]
            case .resnet50: [3, 4, 6, 3]
            case .resnet101: [3, 4, 23, 3]
            case .resnet152: [3, 8, 36, 3]
            }
        }

        /// Bottleneck blocks (expansion 4) from ResNet-50 up; basic blocks below.
        public var usesBottleneck: Bool { rawValue >= 50 }
    }

    /// The inference graph for `depth`, with parameters from `weights`.
    ///
    /// `(N, 3, size, size) -> (N, classes)` logits.
    public static func graph(_ depth: Depth, weights: WeightSource, classes: Int = 1000, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: (3, 224, 224) -> (64, 56, 56)
        x = convBN(g, x, weights, "conv1", "bn1", in: 3, out: 64, kernel: 7, stride: 2, relu: true)
        x = g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1))
        var channels = 64
        for (stage, blocks) in depth.blockCounts.enumerated() {
            let planes = 64 << stage
            for block in 0..<blocks {
                let stride = (block == 0 && stage > 0) ? 2 : 1
                let prefix = "layer\(stage + 1).\(block)"
                x = depth.usesBottleneck
                    ? bottleneck(g, x, weights, prefix, in: channels, planes: planes, stride: stride)
                    : basicBlock(g, x, weights, prefix, in: channels, planes: planes, stride: stride)
                channels = planes * (depth.usesBottleneck ? 4 : 1)
            }
        }
        // head: (C, 7, 7) -> (classes)
        x = g.flatten(g.adaptiveAvgPool(x))
        x = g.linear(
            x, weight: weights.tensor("fc.weight", [classes, channels]), bias: weights.tensor("fc.bias", [classes]),
            name: "fc")
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// conv3x3-bn-relu, conv3x3-bn, + shortcut, relu.
    static func basicBlock(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, planes: Int, stride: Int
    ) -> ValueID {
        var y = convBN(g, x, w, "\(p).conv1", "\(p).bn1", in: channels, out: planes, kernel: 3, stride: stride, relu: true)
        y = convBN(g, y, w, "\(p).conv2", "\(p).bn2", in: planes, out: planes, kernel: 3, stride: 1, relu: false)
        let shortcut = downsample(g, x, w, p, in: channels, out: planes, stride: stride)
        return g.relu(g.add(y, shortcut, name: "\(p).add"))
    }

    /// conv1x1-bn-relu, conv3x3(stride)-bn-relu, conv1x1-bn, + shortcut, relu.
    static func bottleneck(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, planes: Int, stride: Int
    ) -> ValueID {
        var y = convBN(g, x, w, "\(p).conv1", "\(p).bn1", in: channels, out: planes, kernel: 1, stride: 1, relu: true)
        y = convBN(g, y, w, "\(p).conv2", "\(p).bn2", in: planes, out: planes, kernel: 3, stride: stride, relu: true)
        y = convBN(g, y, w, "\(p).conv3", "\(p).bn3", in: planes, out: planes * 4, kernel: 1, stride: 1, relu: false)
        let shortcut = downsample(g, x, w, p, in: channels, out: planes * 4, stride: stride)
        return g.relu(g.add(y, shortcut, name: "\(p).add"))
    }

    /// The identity, or `downsample.0` (1x1 conv with stride) + `downsample.1` (bn) when the shape changes.
    static func downsample(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, stride: Int
    ) -> ValueID {
        guard stride != 1 || channels != out else { return x }
        return convBN(g, x, w, "\(p).downsample.0", "\(p).downsample.1", in: channels, out: out, kernel: 1, stride: stride, relu: false)
    }

    /// A bias-free convolution with PyTorch's `padding = kernel / 2`, then batch norm, then optionally ReLU.
    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ conv: String, _ bn: String,
        in channels: Int, out: Int, kernel: Int, stride: Int, relu: Bool
    ) -> ValueID {
        let y = g.conv2d(
            x, weight: w.tensor("\(conv).weight", [out, channels, kernel, kernel]), stride: stride,
            padding: .symmetric(kernel / 2), name: conv)
        let normalized = batchNorm(g, y, w, bn, channels: out, epsilon: 1e-5)
        return relu ? g.relu(normalized) : normalized
    }
}

/// `nn.BatchNorm2d` in eval mode, parameters `<prefix>.weight/bias/running_mean/running_var`.
func batchNorm(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ prefix: String, channels: Int, epsilon: Float) -> ValueID {
    g.batchNorm(
        x, mean: w.tensor("\(prefix).running_mean", [channels]), variance: w.tensor("\(prefix).running_var", [channels]),
        weight: w.tensor("\(prefix).weight", [channels]), bias: w.tensor("\(prefix).bias", [channels]),
        epsilon: epsilon, name: prefix)
}
