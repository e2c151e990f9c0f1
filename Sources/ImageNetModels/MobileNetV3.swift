// MobileNetV3 large and small as torchvision builds them.
//
// Paper: A. Howard, M. Sandler, G. Chu, L.-C. Chen, B. Chen, M. Tan, W. Wang, Y. Zhu, R. Pang, V. Vasudevan,
// Q. V. Le, H. Adam, "Searching for MobileNetV3", ICCV 2019, https://arxiv.org/abs/1905.02244.
// Upstream: pytorch/vision v0.14.1, torchvision/models/mobilenetv3.py (_mobilenet_v3_conf, InvertedResidual)
// and torchvision/ops/misc.py (SqueezeExcitation with a hardsigmoid gate).
// NOTE: width multiplier 1.0, no dilation, no reduced tail (torchvision's defaults, the published weights');
// batch-norm epsilon 1e-3. Parameter names are torchvision's state_dict keys (`features.4.block.2.fc1.weight`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's MobileNetV3.
public enum MobileNetV3 {
    public enum Variant: String, Sendable, CaseIterable {
        case mobilenet_v3_large, mobilenet_v3_small

        /// `bneck_conf` rows: input, kernel, expanded, output, squeeze-excite, hardswish, stride.
        var blocks: [Block] {
            switch self {
            case .mobilenet_v3_large:
                [
                    Block(16, 3, 16, 16, false, false, 1), Block(16, 3, 64, 24, false, false, 2), Block(24, 3, 72, 24, false, false, 1),
                    Block(24, 5, 72, 40, true, false, 2), Block(40, 5, 120, 40, true, false, 1), Block(40, 5, 120, 40, true, false, 1),
                    Block(40, 3, 240, 80, false, true, 2), Block(80, 3, 200, 80, false, true, 1), Block(80, 3, 184, 80, false, true, 1),
                    Block(80, 3, 184, 80, false, true, 1), Block(80, 3, 480, 112, true, true, 1), Block(112, 3, 672, 112, true, true, 1),
                    Block(112, 5, 672, 160, true, true, 2), Block(160, 5, 960, 160, true, true, 1), Block(160, 5, 960, 160, true, true, 1),
                ]
            case .mobilenet_v3_small:
                [
                    Block(16, 3, 16, 16, true, false, 2), Block(16, 3, 72, 24, false, false, 2), Block(24, 3, 88, 24, false, false, 1),
                    Block(24, 5, 96, 40, true, true, 2), Block(40, 5, 240, 40, true, true, 1), Block(40, 5, 240, 40, true, true, 1),
                    Block(40, 5, 120, 48, true, true, 1), Block(48, 5, 144, 48, true, true, 1), Block(48, 5, 288, 96, true, true, 2),
                    Block(96, 5, 576, 96, true, true, 1), Block(96, 5, 576, 96, true, true, 1),
                ]
            }
        }

        /// The classifier's hidden width (`last_channel`).
        var lastChannels: Int { self == .mobilenet_v3_large ? 1280 : 1024 }
    }

    struct Block {
        let input: Int, kernel: Int, expanded: Int, output: Int, squeezeExcite: Bool, hardswish: Bool, stride: Int
        init(_ i: Int, _ k: Int, _ e: Int, _ o: Int, _ se: Bool, _ hs: Bool, _ s: Int) {
            (input, kernel, expanded, output, squeezeExcite, hardswish, stride) = (i, k, e, o, se, hs, s)
        }
    }

    static let epsilon: Float = 1e-3

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        let blocks = variant.blocks
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv3x3/2-bn-hardswish, (3, 224, 224) -> (16, 112, 112)
        x = convBN(g, x, weights, "features.0", in: 3, out: blocks[0].input, kernel: 3, stride: 2, activation: .hardswish)
        for (i, block) in blocks.enumerated() {
            let y = invertedResidual(g, x, weights, "features.\(i + 1).block", block)
            x = block.stride == 1 && block.input == block.output ? g.add(y, x, name: "features.\(i + 1).add") : y
        }
        let lastConv = 6 * blocks[blocks.count - 1].output
        x = convBN(g, x, weights, "features.\(blocks.count + 1)", in: blocks[blocks.count - 1].output, out: lastConv, kernel: 1, stride: 1, activation: .hardswish)
        // classifier: Linear-hardswish-Dropout-Linear
        x = g.flatten(g.adaptiveAvgPool(x))
        x = g.hardswish(
            g.linear(
                x, weight: weights.tensor("classifier.0.weight", [variant.lastChannels, lastConv]),
                bias: weights.tensor("classifier.0.bias", [variant.lastChannels]), name: "classifier.0"))
        let classes = weights.classCount(head: "classifier.3.weight")
        x = g.linear(
            x, weight: weights.tensor("classifier.3.weight", [classes, variant.lastChannels]),
            bias: weights.tensor("classifier.3.bias", [classes]), name: "classifier.3")
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    /// [expand 1x1-bn-act], depthwise kxk-bn-act, [squeeze-excite], project 1x1-bn.
    static func invertedResidual(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, _ b: Block) -> ValueID {
        let activation: Activation = b.hardswish ? .hardswish : .relu
        var y = x
        var index = 0
        if b.expanded != b.input {
            y = convBN(g, y, w, "\(p).0", in: b.input, out: b.expanded, kernel: 1, stride: 1, activation: activation)
            index = 1
        }
        y = convBN(g, y, w, "\(p).\(index)", in: b.expanded, out: b.expanded, kernel: b.kernel, stride: b.stride, groups: b.expanded, activation: activation)
        if b.squeezeExcite {
            index += 1
            // `SqueezeExcitation(scale_activation=Hardsigmoid)`
            y = TorchvisionLayers.squeezeExcitation(
                g, y, w, "\(p).\(index)", channels: b.expanded, squeeze: EfficientNet.divisible(Double(b.expanded / 4)),
                activation: .relu, gate: .hardsigmoid)
        }
        return convBN(g, y, w, "\(p).\(index + 1)", in: b.expanded, out: b.output, kernel: 1, stride: 1, activation: nil)
    }

    /// `Conv2dNormActivation` at this family's epsilon.
    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int, stride: Int,
        groups: Int = 1, activation: Activation?
    ) -> ValueID {
        TorchvisionLayers.convNormActivation(
            g, x, w, p, in: channels, out: out, kernel: kernel, stride: stride, groups: groups, epsilon: epsilon,
            activation: activation)
    }
}
