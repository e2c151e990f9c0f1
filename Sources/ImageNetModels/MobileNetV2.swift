// MobileNetV2 as torchvision builds it.
//
// Paper: M. Sandler, A. Howard, M. Zhu, A. Zhmoginov, L.-C. Chen, "MobileNetV2: Inverted Residuals and Linear
// Bottlenecks", CVPR 2018, https://arxiv.org/abs/1801.04381.
// Upstream: pytorch/vision v0.14.1, torchvision/models/mobilenetv2.py (width_mult 1.0, round_nearest 8).
// Parameter names are torchvision's state_dict keys (`features.3.conv.1.0.weight`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's MobileNetV2.
public enum MobileNetV2 {
    /// (expansion t, output channels c, repeats n, first stride s) per stage, as torchvision writes it.
    static let stages: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: (3, 224, 224) -> (32, 112, 112)
        x = convBN(g, x, weights, "features.0", in: 3, out: 32, kernel: 3, stride: 2, relu6: true)
        var channels = 32
        var index = 1
        for stage in stages {
            for repeat_ in 0..<stage.n {
                let stride = repeat_ == 0 ? stage.s : 1
                let y = invertedResidual(g, x, weights, "features.\(index).conv", in: channels, out: stage.c, stride: stride, expansion: stage.t)
                x = stride == 1 && channels == stage.c ? g.add(y, x, name: "features.\(index).add") : y
                channels = stage.c
                index += 1
            }
        }
        // head: (320, 7, 7) -> (1280, 7, 7) -> (classes)
        x = convBN(g, x, weights, "features.\(index)", in: channels, out: 1280, kernel: 1, stride: 1, relu6: true)
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "classifier.1", features: 1280)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    /// [expand 1x1-bn-relu6], depthwise 3x3-bn-relu6, linear project 1x1 (`conv.K`) + bn (`conv.K+1`).
    static func invertedResidual(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, stride: Int, expansion: Int
    ) -> ValueID {
        let hidden = channels * expansion
        var y = x
        var index = 0
        if expansion != 1 {
            y = convBN(g, y, w, "\(p).0", in: channels, out: hidden, kernel: 1, stride: 1, relu6: true)
            index = 1
        }
        y = convBN(g, y, w, "\(p).\(index)", in: hidden, out: hidden, kernel: 3, stride: stride, groups: hidden, relu6: true)
        y = g.conv2d(y, weight: w.tensor("\(p).\(index + 1).weight", [out, hidden, 1, 1]), name: "\(p).\(index + 1)")
        return batchNorm(g, y, w, "\(p).\(index + 2)", channels: out, epsilon: 1e-5)
    }

    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int, stride: Int,
        groups: Int = 1, relu6: Bool
    ) -> ValueID {
        TorchvisionLayers.convNormActivation(
            g, x, w, p, in: channels, out: out, kernel: kernel, stride: stride, groups: groups, activation: relu6 ? .relu6 : nil)
    }
}
