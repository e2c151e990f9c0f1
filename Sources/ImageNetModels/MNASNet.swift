// MNASNet 0.5, 0.75, 1.0 and 1.3 (the B1 variant) as torchvision builds them.
//
// Paper: M. Tan, B. Chen, R. Pang, V. Vasudevan, M. Sandler, A. Howard, Q. V. Le, "MnasNet: Platform-Aware
// Neural Architecture Search for Mobile", CVPR 2019, https://arxiv.org/abs/1807.11626.
// Upstream: pytorch/vision v0.14.1, torchvision/models/mnasnet.py.
// NOTE: checkpoints saved before torchvision's "version 2" of MNASNet (alpha != 1) keep a fixed 32/16-channel
// stem; the stem's shape in the file says which one a checkpoint has, as `_load_from_state_dict` does.
// Parameter names are torchvision's state_dict keys (`layers.8.0.layers.3.weight`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's MNASNet.
public enum MNASNet {
    /// One member, by its torchvision name, holding its width multiplier.
    public enum Variant: String, Sendable, CaseIterable {
        case mnasnet0_5, mnasnet0_75, mnasnet1_0, mnasnet1_3

        var alpha: Double {
            switch self {
            case .mnasnet0_5: 0.5
            case .mnasnet0_75: 0.75
            case .mnasnet1_0: 1.0
            case .mnasnet1_3: 1.3
            }
        }
    }

    /// (kernel, stride, expansion, repeats) of `layers.8` ... `layers.13`.
    static let stacks: [(kernel: Int, stride: Int, expansion: Int, repeats: Int)] = [
        (3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1),
    ]

    /// `_round_to_multiple_of(v, 8)` with round-up bias 0.9.
    static func rounded(_ v: Double) -> Int {
        let value = max(8, Int(v + 4) / 8 * 8)
        return Double(value) >= 0.9 * v ? value : value + 8
    }

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        var depths = [32, 16, 24, 40, 80, 96, 192, 320].map { rounded(Double($0) * variant.alpha) }
        if weights.shape("layers.0.weight")?[0] == 32 { (depths[0], depths[1]) = (32, 16) }  // a version-1 checkpoint
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv3x3/2-bn-relu, depthwise 3x3-bn-relu, 1x1-bn: (3, 224, 224) -> (depths[1], 112, 112)
        x = g.relu(convBN(g, x, weights, "layers.0", "layers.1", in: 3, out: depths[0], kernel: 3, stride: 2))
        x = g.relu(convBN(g, x, weights, "layers.3", "layers.4", in: depths[0], out: depths[0], kernel: 3, stride: 1, groups: depths[0]))
        x = convBN(g, x, weights, "layers.6", "layers.7", in: depths[0], out: depths[1], kernel: 1, stride: 1)
        for (s, stack) in stacks.enumerated() {
            for block in 0..<stack.repeats {
                let input = block == 0 ? depths[s + 1] : depths[s + 2]
                let stride = block == 0 ? stack.stride : 1
                let p = "layers.\(8 + s).\(block).layers"
                let y = invertedResidual(g, x, weights, p, in: input, out: depths[s + 2], kernel: stack.kernel, stride: stride, expansion: stack.expansion)
                x = stride == 1 && input == depths[s + 2] ? g.add(y, x, name: "\(p).add") : y
            }
        }
        // head: (320, 7, 7) -> (1280, 7, 7) -> (classes)
        x = g.relu(convBN(g, x, weights, "layers.14", "layers.15", in: depths[7], out: 1280, kernel: 1, stride: 1))
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "classifier.1", features: 1280)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    /// 1x1-bn-relu, depthwise kxk(stride)-bn-relu, 1x1-bn: `layers.0/1`, `layers.3/4`, `layers.6/7`.
    static func invertedResidual(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int, stride: Int,
        expansion: Int
    ) -> ValueID {
        let mid = channels * expansion
        var y = g.relu(convBN(g, x, w, "\(p).0", "\(p).1", in: channels, out: mid, kernel: 1, stride: 1))
        y = g.relu(convBN(g, y, w, "\(p).3", "\(p).4", in: mid, out: mid, kernel: kernel, stride: stride, groups: mid))
        return convBN(g, y, w, "\(p).6", "\(p).7", in: mid, out: out, kernel: 1, stride: 1)
    }

    /// A bias-free convolution with padding k/2, then batch norm.
    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ conv: String, _ bn: String, in channels: Int, out: Int, kernel: Int,
        stride: Int, groups: Int = 1
    ) -> ValueID {
        let y = g.conv2d(
            x, weight: w.tensor("\(conv).weight", [out, channels / groups, kernel, kernel]), stride: stride,
            padding: .symmetric(kernel / 2), groups: groups, name: conv)
        return batchNorm(g, y, w, bn, channels: out, epsilon: 1e-5)
    }
}
