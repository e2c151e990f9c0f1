// SqueezeNet 1.0 and 1.1 as torchvision builds them.
//
// Paper: F. N. Iandola, S. Han, M. W. Moskewicz, K. Ashraf, W. J. Dally, K. Keutzer, "SqueezeNet: AlexNet-level
// accuracy with 50x fewer parameters and <0.5MB model size", 2016, https://arxiv.org/abs/1602.07360; 1.1 from
// https://github.com/forresti/SqueezeNet/tree/master/SqueezeNet_v1.1.
// Upstream: pytorch/vision v0.14.1, torchvision/models/squeezenet.py (Fire, SqueezeNet).
// NOTE: the max pools use `ceil_mode=True`, and there is no linear layer: the head is a 1x1 convolution to the
// classes, ReLU and global average pooling, so the class count is `classifier.1.weight`'s first dimension.
// Parameter names are torchvision's state_dict keys (`features.3.expand3x3.weight`, `classifier.1.bias`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's SqueezeNet family.
public enum SqueezeNet {
    /// One member of the family, by its torchvision name, holding its layer table.
    public enum Variant: String, Sendable, CaseIterable {
        case squeezenet1_0, squeezenet1_1

        /// The stem convolution: output channels and kernel (stride 2, no padding).
        var stem: (channels: Int, kernel: Int) { self == .squeezenet1_0 ? (96, 7) : (64, 3) }

        /// `features.2` onwards (after the stem's conv and ReLU), in order.
        var layers: [Layer] {
            switch self {
            case .squeezenet1_0:
                [.pool, .fire(16, 64, 64), .fire(16, 64, 64), .fire(32, 128, 128), .pool, .fire(32, 128, 128),
                 .fire(48, 192, 192), .fire(48, 192, 192), .fire(64, 256, 256), .pool, .fire(64, 256, 256)]
            case .squeezenet1_1:
                [.pool, .fire(16, 64, 64), .fire(16, 64, 64), .pool, .fire(32, 128, 128), .fire(32, 128, 128),
                 .pool, .fire(48, 192, 192), .fire(48, 192, 192), .fire(64, 256, 256), .fire(64, 256, 256)]
            }
        }
    }

    /// One entry of `features`: a ceil-mode max pool 3/2, or a Fire module (squeeze, expand1x1, expand3x3 channels).
    enum Layer {
        case pool
        case fire(Int, Int, Int)
    }

    /// `(N, 3, size, size) -> (N, classes)` scores for `variant`, classes from the head's 1x1 convolution.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv/2-relu, (3, 224, 224) -> (96, 109, 109) for 1.0, (64, 111, 111) for 1.1
        var channels = variant.stem.channels
        x = g.relu(conv(g, x, weights, "features.0", in: 3, out: channels, kernel: variant.stem.kernel, stride: 2))
        for (i, layer) in variant.layers.enumerated() {
            let p = "features.\(i + 2)"
            switch layer {
            case .pool:
                x = g.maxPool(x, kernel: 3, stride: 2, ceilMode: true, name: p)
            case .fire(let squeeze, let expand1x1, let expand3x3):
                x = fireModule(g, x, weights, p, in: channels, squeeze: squeeze, expand1x1: expand1x1, expand3x3: expand3x3)
                channels = expand1x1 + expand3x3
            }
        }
        // classifier: Dropout (identity), conv1x1 to classes, ReLU, global average pool: (512, 13, 13) -> (classes)
        let classes = weights.classCount(convHead: "classifier.1.weight")
        x = g.relu(conv(g, x, weights, "classifier.1", in: channels, out: classes, kernel: 1))
        g.output(g.flatten(g.adaptiveAvgPool(x)))
        try weights.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// `Fire`: squeeze 1x1-relu, then expand1x1-relu and expand3x3-relu concatenated.
    // (C, H, W) -> (e1 + e3, H, W)
    static func fireModule(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, squeeze: Int, expand1x1: Int,
        expand3x3: Int
    ) -> ValueID {
        let s = g.relu(conv(g, x, w, "\(p).squeeze", in: channels, out: squeeze, kernel: 1))
        let e1 = g.relu(conv(g, s, w, "\(p).expand1x1", in: squeeze, out: expand1x1, kernel: 1))
        let e3 = g.relu(conv(g, s, w, "\(p).expand3x3", in: squeeze, out: expand3x3, kernel: 3, padding: 1))
        return g.concat([e1, e3], name: "\(p).cat")
    }

    /// A convolution with bias, `<p>.weight` and `<p>.bias`.
    static func conv(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0
    ) -> ValueID {
        g.conv2d(
            x, weight: w.tensor("\(p).weight", [out, channels, kernel, kernel]), bias: w.tensor("\(p).bias", [out]),
            stride: stride, padding: .symmetric(padding), name: p)
    }
}
