// EfficientNet B0-B7 and EfficientNetV2 S/M/L as torchvision builds them.
//
// Papers: M. Tan, Q. V. Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks", ICML 2019,
// https://arxiv.org/abs/1905.11946; M. Tan, Q. V. Le, "EfficientNetV2: Smaller Models and Faster Training",
// ICML 2021, https://arxiv.org/abs/2104.00298.
// Upstream: pytorch/vision v0.14.1, torchvision/models/efficientnet.py (MBConv, FusedMBConv, _efficientnet_conf)
// and torchvision/ops/misc.py (Conv2dNormActivation, SqueezeExcitation).
// NOTE: channels are rounded as torchvision's `_make_divisible(v, 8)`; batch-norm epsilon is 1e-5 for B0-B4 and
// 1e-3 for B5-B7 and V2; stochastic depth and dropout are the identity at inference.
// Parameter names are torchvision's state_dict keys (`features.2.0.block.1.0.weight`), so weights load with no
// rename table.
import Foundation
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's EfficientNet family.
public enum EfficientNet {
    /// One member of the family, by its torchvision name.
    public enum Variant: String, Sendable, CaseIterable {
        case efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3
        case efficientnet_b4, efficientnet_b5, efficientnet_b6, efficientnet_b7
        case efficientnet_v2_s, efficientnet_v2_m, efficientnet_v2_l

        /// (width multiplier, depth multiplier) of the B series.
        var scaling: (width: Double, depth: Double) {
            switch self {
            case .efficientnet_b0: (1.0, 1.0)
            case .efficientnet_b1: (1.0, 1.1)
            case .efficientnet_b2: (1.1, 1.2)
            case .efficientnet_b3: (1.2, 1.4)
            case .efficientnet_b4: (1.4, 1.8)
            case .efficientnet_b5: (1.6, 2.2)
            case .efficientnet_b6: (1.8, 2.6)
            case .efficientnet_b7: (2.0, 3.1)
            case .efficientnet_v2_s, .efficientnet_v2_m, .efficientnet_v2_l: (1.0, 1.0)
            }
        }

        var epsilon: Float {
            switch self {
            case .efficientnet_b0, .efficientnet_b1, .efficientnet_b2, .efficientnet_b3, .efficientnet_b4: 1e-5
            default: 1e-3
            }
        }

        /// `_efficientnet_conf`: the stages, already scaled, and the last convolution's channels.
        var stages: (stages: [Stage], lastChannels: Int?) {
            let (w, d) = scaling
            func mb(_ e: Int, _ k: Int, _ s: Int, _ i: Int, _ o: Int, _ n: Int) -> Stage {
                Stage(
                    fused: false, expansion: e, kernel: k, stride: s, input: EfficientNet.divisible(Double(i) * w),
                    output: EfficientNet.divisible(Double(o) * w), layers: Int((Double(n) * d).rounded(.up)))
            }
            func fused(_ e: Int, _ k: Int, _ s: Int, _ i: Int, _ o: Int, _ n: Int) -> Stage {
                Stage(fused: true, expansion: e, kernel: k, stride: s, input: i, output: o, layers: n)
            }
            switch self {
            case .efficientnet_v2_s:
                return ([fused(1, 3, 1, 24, 24, 2), fused(4, 3, 2, 24, 48, 4), fused(4, 3, 2, 48, 64, 4),
                    mb(4, 3, 2, 64, 128, 6), mb(6, 3, 1, 128, 160, 9), mb(6, 3, 2, 160, 256, 15)], 1280)
            case .efficientnet_v2_m:
                return ([fused(1, 3, 1, 24, 24, 3), fused(4, 3, 2, 24, 48, 5), fused(4, 3, 2, 48, 80, 5),
                    mb(4, 3, 2, 80, 160, 7), mb(6, 3, 1, 160, 176, 14), mb(6, 3, 2, 176, 304, 18),
                    mb(6, 3, 1, 304, 512, 5)], 1280)
            case .efficientnet_v2_l:
                return ([fused(1, 3, 1, 32, 32, 4), fused(4, 3, 2, 32, 64, 7), fused(4, 3, 2, 64, 96, 7),
                    mb(4, 3, 2, 96, 192, 10), mb(6, 3, 1, 192, 224, 19), mb(6, 3, 2, 224, 384, 25),
                    mb(6, 3, 1, 384, 640, 7)], 1280)
            default:
                return ([mb(1, 3, 1, 32, 16, 1), mb(6, 3, 2, 16, 24, 2), mb(6, 5, 2, 24, 40, 2), mb(6, 3, 2, 40, 80, 3),
                    mb(6, 5, 1, 80, 112, 3), mb(6, 5, 2, 112, 192, 4), mb(6, 3, 1, 192, 320, 1)], nil)
            }
        }
    }

    /// One stage of (fused) mobile inverted bottlenecks.
    struct Stage {
        let fused: Bool
        let expansion: Int, kernel: Int, stride: Int, input: Int, output: Int, layers: Int
    }

    /// torchvision's `_make_divisible(v, 8)`: the nearest multiple of 8, never more than 10% below `v`.
    static func divisible(_ v: Double, divisor: Int = 8) -> Int {
        var rounded = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
        if Double(rounded) < 0.9 * v { rounded += divisor }
        return rounded
    }

    /// The inference graph for `variant`: `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        let eps = variant.epsilon
        let (stages, lastChannels) = variant.stages
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: (3, H, W) -> (C0, H/2, W/2)
        x = convBN(g, x, weights, "features.0", in: 3, out: stages[0].input, kernel: 3, stride: 2, epsilon: eps, silu: true)
        for (s, stage) in stages.enumerated() {
            for layer in 0..<stage.layers {
                let input = layer == 0 ? stage.input : stage.output
                let stride = layer == 0 ? stage.stride : 1
                let prefix = "features.\(s + 1).\(layer).block"
                let y = stage.fused
                    ? fusedMBConv(g, x, weights, prefix, stage, input: input, stride: stride, epsilon: eps)
                    : mbConv(g, x, weights, prefix, stage, input: input, stride: stride, epsilon: eps)
                // Residual when the shape is kept; stochastic depth is the identity at inference.
                x = stride == 1 && input == stage.output ? g.add(y, x, name: "\(prefix).add") : y
            }
        }
        // head: (C, h, w) -> (last, h, w) -> (classes)
        let last = lastChannels ?? 4 * stages[stages.count - 1].output
        x = convBN(
            g, x, weights, "features.\(stages.count + 1)", in: stages[stages.count - 1].output, out: last, kernel: 1,
            stride: 1, epsilon: eps, silu: true)
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "classifier.1", features: last)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// [expand 1x1-bn-silu], depthwise kxk-bn-silu, squeeze-excite, project 1x1-bn.
    static func mbConv(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, input: Int, stride: Int, epsilon: Float
    ) -> ValueID {
        let expanded = divisible(Double(input) * Double(stage.expansion))
        var y = x
        var index = 0
        if expanded != input {
            y = convBN(g, y, w, "\(p).0", in: input, out: expanded, kernel: 1, stride: 1, epsilon: epsilon, silu: true)
            index += 1
        }
        y = convBN(
            g, y, w, "\(p).\(index)", in: expanded, out: expanded, kernel: stage.kernel, stride: stride, groups: expanded,
            epsilon: epsilon, silu: true)
        y = TorchvisionLayers.squeezeExcitation(
            g, y, w, "\(p).\(index + 1)", channels: expanded, squeeze: max(1, input / 4), activation: .silu)
        return convBN(g, y, w, "\(p).\(index + 2)", in: expanded, out: stage.output, kernel: 1, stride: 1, epsilon: epsilon, silu: false)
    }

    /// EfficientNetV2's early blocks: expand kxk(stride)-bn-silu then project 1x1-bn, or one kxk-bn-silu.
    static func fusedMBConv(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, input: Int, stride: Int, epsilon: Float
    ) -> ValueID {
        let expanded = divisible(Double(input) * Double(stage.expansion))
        guard expanded != input else {
            return convBN(g, x, w, "\(p).0", in: input, out: stage.output, kernel: stage.kernel, stride: stride, epsilon: epsilon, silu: true)
        }
        let y = convBN(g, x, w, "\(p).0", in: input, out: expanded, kernel: stage.kernel, stride: stride, epsilon: epsilon, silu: true)
        return convBN(g, y, w, "\(p).1", in: expanded, out: stage.output, kernel: 1, stride: 1, epsilon: epsilon, silu: false)
    }

    /// `Conv2dNormActivation` with SiLU or none, at this family's epsilon.
    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int, stride: Int,
        groups: Int = 1, epsilon: Float, silu: Bool
    ) -> ValueID {
        TorchvisionLayers.convNormActivation(
            g, x, w, p, in: channels, out: out, kernel: kernel, stride: stride, groups: groups, epsilon: epsilon,
            activation: silu ? .silu : nil)
    }
}
