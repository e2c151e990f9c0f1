// ResNet-18, 34, 50, 101 and 152, ResNeXt-50/101 and Wide ResNet-50/101 as torchvision builds them.
//
// Papers: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
// https://arxiv.org/abs/1512.03385; S. Xie, R. Girshick, P. Dollár, Z. Tu, K. He, "Aggregated Residual
// Transformations for Deep Neural Networks", CVPR 2017, https://arxiv.org/abs/1611.05431; S. Zagoruyko,
// N. Komodakis, "Wide Residual Networks", BMVC 2016, https://arxiv.org/abs/1605.07146.
// Upstream: pytorch/vision v0.14.1, torchvision/models/resnet.py. NOTE: like torchvision ("ResNet V1.5"),
// the bottleneck puts its stride on the 3x3 convolution, not the first 1x1; ResNeXt and Wide ResNet are
// the same bottleneck with `groups` and `width_per_group` (width = planes * width_per_group / 64 * groups).
// Parameter names are torchvision's state_dict keys, so weights load with no rename table.
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's ResNet family: ResNet, ResNeXt and Wide ResNet.
public enum ResNet {
    /// One member of the family, by its torchvision name, holding the block table.
    public enum Variant: String, Sendable, CaseIterable {
        case resnet18, resnet34, resnet50, resnet101, resnet152
        case resnext50_32x4d, resnext101_32x8d, resnext101_64x4d
        case wide_resnet50_2, wide_resnet101_2

        /// Blocks per stage (layer1...layer4).
        public var blockCounts: [Int] {
            switch self {
            case .resnet18: [2, 2, 2, 2]
            case .resnet34, .resnet50, .resnext50_32x4d, .wide_resnet50_2: [3, 4, 6, 3]
            case .resnet101, .resnext101_32x8d, .resnext101_64x4d, .wide_resnet101_2: [3, 4, 23, 3]
            case .resnet152: [3, 8, 36, 3]
            }
        }

        /// Bottleneck blocks (expansion 4) from ResNet-50 up; basic blocks for ResNet-18 and 34.
        public var usesBottleneck: Bool { self != .resnet18 && self != .resnet34 }

        /// `groups` of the bottleneck's 3x3 convolution.
        public var groups: Int {
            switch self {
            case .resnext50_32x4d, .resnext101_32x8d: 32
            case .resnext101_64x4d: 64
            default: 1
            }
        }

        /// `width_per_group`: 64 for ResNet, 128 for Wide ResNet, 4 or 8 for ResNeXt.
        public var widthPerGroup: Int {
            switch self {
            case .resnext50_32x4d, .resnext101_64x4d: 4
            case .resnext101_32x8d: 8
            case .wide_resnet50_2, .wide_resnet101_2: 128
            default: 64
            }
        }
    }

    /// The inference graph for `variant`, with parameters from `weights`; the number of classes is the
    /// head's (`fc.weight`'s rows), so a fine-tuned checkpoint loads as it is.
    ///
    /// `(N, 3, size, size) -> (N, classes)` logits.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: (3, 224, 224) -> (64, 56, 56)
        x = convBN(g, x, weights, "conv1", "bn1", in: 3, out: 64, kernel: 7, stride: 2, relu: true)
        x = g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1))
        var channels = 64
        for (stage, blocks) in variant.blockCounts.enumerated() {
            let planes = 64 << stage
            for block in 0..<blocks {
                let stride = (block == 0 && stage > 0) ? 2 : 1
                let prefix = "layer\(stage + 1).\(block)"
                x = variant.usesBottleneck
                    ? bottleneck(g, x, weights, prefix, in: channels, planes: planes, stride: stride, variant: variant)
                    : basicBlock(g, x, weights, prefix, in: channels, planes: planes, stride: stride)
                channels = planes * (variant.usesBottleneck ? 4 : 1)
            }
        }
        // head: (C, 7, 7) -> (classes)
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "fc", features: channels)
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

    /// conv1x1-bn-relu, grouped conv3x3(stride)-bn-relu, conv1x1-bn, + shortcut, relu.
    static func bottleneck(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, planes: Int, stride: Int,
        variant: Variant
    ) -> ValueID {
        let width = planes * variant.widthPerGroup / 64 * variant.groups
        var y = convBN(g, x, w, "\(p).conv1", "\(p).bn1", in: channels, out: width, kernel: 1, stride: 1, relu: true)
        y = convBN(
            g, y, w, "\(p).conv2", "\(p).bn2", in: width, out: width, kernel: 3, stride: stride, groups: variant.groups,
            relu: true)
        y = convBN(g, y, w, "\(p).conv3", "\(p).bn3", in: width, out: planes * 4, kernel: 1, stride: 1, relu: false)
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
        in channels: Int, out: Int, kernel: Int, stride: Int, groups: Int = 1, relu: Bool
    ) -> ValueID {
        let y = g.conv2d(
            x, weight: w.tensor("\(conv).weight", [out, channels / groups, kernel, kernel]), stride: stride,
            padding: .symmetric(kernel / 2), groups: groups, name: conv)
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
