// DenseNet-121, 161, 169 and 201 as torchvision builds them (DenseNet-BC: 1x1 bottlenecks, transitions halve
// the channels).
//
// Paper: G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger, "Densely Connected Convolutional Networks",
// CVPR 2017, https://arxiv.org/abs/1608.06993.
// Upstream: pytorch/vision v0.14.1, torchvision/models/densenet.py (_DenseLayer, _DenseBlock, _Transition).
// NOTE: the layers are pre-activation (BN-ReLU-conv), so a layer's first batch norm reads a concat and stays
// a batch norm; only norm0 and each layer's norm2 (after its 1x1 conv) fold into a convolution.
// Parameter names are torchvision's state_dict keys (`features.denseblock1.denselayer1.norm1.weight`). The
// published files still spell the layers' keys `norm.1`, `conv.2`, ... (from before '.' was banned in module
// names), which torchvision's `_load_state_dict` renames on load; ``DenseNet/layerKey(_:_:legacy:)`` does the same.
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's DenseNet family.
public enum DenseNet {
    /// One member of the family, by its torchvision name, holding its table.
    public enum Variant: String, Sendable, CaseIterable {
        case densenet121, densenet161, densenet169, densenet201

        /// Channels each dense layer adds (`growth_rate`, k in the paper).
        public var growthRate: Int { self == .densenet161 ? 48 : 32 }

        /// Layers per dense block (`block_config`).
        public var blockLayers: [Int] {
            switch self {
            case .densenet121: [6, 12, 24, 16]
            case .densenet161: [6, 12, 36, 24]
            case .densenet169: [6, 12, 32, 32]
            case .densenet201: [6, 12, 48, 32]
            }
        }

        /// Channels of the stem convolution (`num_init_features`).
        public var initialFeatures: Int { self == .densenet161 ? 96 : 64 }
    }

    /// torchvision's `bn_size`: a layer's bottleneck has `bn_size * growth_rate` channels.
    static let bottleneckFactor = 4

    /// `(N, 3, size, size) -> (N, classes)` logits for `variant`, classes from the head (`classifier.weight`).
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let legacy = weights.shape("features.denseblock1.denselayer1.norm.1.weight") != nil
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv7x7/2-bn-relu, maxpool 3/2: (3, 224, 224) -> (init, 56, 56)
        var channels = variant.initialFeatures
        x = g.conv2d(
            x, weight: weights.tensor("features.conv0.weight", [channels, 3, 7, 7]), stride: 2, padding: .symmetric(3),
            name: "features.conv0")
        x = g.relu(batchNorm(g, x, weights, "features.norm0", channels: channels, epsilon: 1e-5))
        x = g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1), name: "features.pool0")
        for (b, layers) in variant.blockLayers.enumerated() {
            var features = [x]
            for l in 0..<layers {
                let p = "features.denseblock\(b + 1).denselayer\(l + 1)"
                let input = features.count == 1 ? x : g.concat(features, name: "\(p).cat")
                features.append(
                    denseLayer(g, input, weights, p, in: channels + l * variant.growthRate, growth: variant.growthRate, legacy: legacy))
            }
            x = g.concat(features, name: "features.denseblock\(b + 1)")
            channels += layers * variant.growthRate
            if b < variant.blockLayers.count - 1 {
                x = transition(g, x, weights, "features.transition\(b + 1)", in: channels, out: channels / 2)
                channels /= 2
            }
        }
        // head: norm5, relu, global average pool, linear: (C, 7, 7) -> (classes)
        x = g.relu(batchNorm(g, x, weights, "features.norm5", channels: channels, epsilon: 1e-5))
        x = g.flatten(g.adaptiveAvgPool(x))
        let classes = weights.classCount(head: "classifier.weight")
        x = g.linear(
            x, weight: weights.tensor("classifier.weight", [classes, channels]),
            bias: weights.tensor("classifier.bias", [classes]), name: "classifier")
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// `_DenseLayer`: bn-relu-conv1x1 to `4 * growth`, bn-relu-conv3x3 to `growth`; its input is the block's
    /// concat so far.
    // (C, H, W) -> (growth, H, W)
    static func denseLayer(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, growth: Int, legacy: Bool
    ) -> ValueID {
        let width = bottleneckFactor * growth
        func key(_ module: String, _ index: Int) -> String { layerKey(p, "\(module)\(index)", legacy: legacy) }
        var y = g.relu(batchNorm(g, x, w, key("norm", 1), channels: channels, epsilon: 1e-5))
        y = g.conv2d(y, weight: w.tensor("\(key("conv", 1)).weight", [width, channels, 1, 1]), name: key("conv", 1))
        y = g.relu(batchNorm(g, y, w, key("norm", 2), channels: width, epsilon: 1e-5))
        return g.conv2d(
            y, weight: w.tensor("\(key("conv", 2)).weight", [growth, width, 3, 3]), padding: .symmetric(1), name: key("conv", 2))
    }

    /// `_Transition`: bn-relu-conv1x1, then average pool 2/2.
    // (C, H, W) -> (C/2, H/2, W/2)
    static func transition(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int) -> ValueID {
        var y = g.relu(batchNorm(g, x, w, "\(p).norm", channels: channels, epsilon: 1e-5))
        y = g.conv2d(y, weight: w.tensor("\(p).conv.weight", [out, channels, 1, 1]), name: "\(p).conv")
        return g.avgPool(y, kernel: 2, stride: 2, name: "\(p).pool")
    }

    /// A dense layer's module key: `<layer>.norm1` as torchvision names it, or `<layer>.norm.1` as the published
    /// checkpoints (`legacy`) spell it.
    static func layerKey(_ layer: String, _ module: String, legacy: Bool) -> String {
        guard legacy, let index = module.last, index.isNumber else { return "\(layer).\(module)" }
        return "\(layer).\(module.dropLast()).\(index)"
    }
}
