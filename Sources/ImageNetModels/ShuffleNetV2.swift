// ShuffleNet V2 x0.5, x1.0, x1.5 and x2.0 as torchvision builds them.
//
// Paper: N. Ma, X. Zhang, H.-T. Zheng, J. Sun, "ShuffleNet V2: Practical Guidelines for Efficient CNN
// Architecture Design", ECCV 2018, https://arxiv.org/abs/1807.11164.
// Upstream: pytorch/vision v0.14.1, torchvision/models/shufflenetv2.py (ShuffleNetV2, InvertedResidual,
// channel_shuffle). Parameter names are torchvision's state_dict keys (`stage2.0.branch1.0.weight`).
import InferenceGraph
import TensorCore

// Layout letters: C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's ShuffleNetV2.
public enum ShuffleNetV2 {
    public enum Variant: String, Sendable, CaseIterable {
        case shufflenet_v2_x0_5, shufflenet_v2_x1_0, shufflenet_v2_x1_5, shufflenet_v2_x2_0

        /// `stages_out_channels`: the stem, the three stages, the last 1x1 conv.
        var channels: [Int] {
            switch self {
            case .shufflenet_v2_x0_5: [24, 48, 96, 192, 1024]
            case .shufflenet_v2_x1_0: [24, 116, 232, 464, 1024]
            case .shufflenet_v2_x1_5: [24, 176, 352, 704, 1024]
            case .shufflenet_v2_x2_0: [24, 244, 488, 976, 2048]
            }
        }
    }

    /// `stages_repeats`, the same for every width.
    static let repeats = [4, 8, 4]

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights w: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        let channels = variant.channels
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv3x3/2-bn-relu, maxpool 3/2: (3, 224, 224) -> (24, 56, 56)
        x = ResNet.convBN(g, x, w, "conv1.0", "conv1.1", in: 3, out: channels[0], kernel: 3, stride: 2, relu: true)
        x = g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1), name: "maxpool")
        for (s, count) in repeats.enumerated() {
            for i in 0..<count {
                let input = i == 0 ? channels[s] : channels[s + 1]
                x = invertedResidual(g, x, w, "stage\(s + 2).\(i)", in: input, out: channels[s + 1], stride: i == 0 ? 2 : 1)
            }
        }
        x = ResNet.convBN(g, x, w, "conv5.0", "conv5.1", in: channels[3], out: channels[4], kernel: 1, stride: 1, relu: true)
        g.output(TorchvisionLayers.poolAndLinear(g, x, w, "fc", features: channels[4]))
        try w.finish()
        return try g.build()
    }

    /// `InvertedResidual`: at stride 1 half the channels pass through and half go through `branch2`; at stride 2
    /// `branch1` and `branch2` both read the whole input. The halves are joined and shuffled.
    // (in, H, W) -> (out, H/stride, W/stride)
    static func invertedResidual(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, stride: Int) -> ValueID {
        let half = out / 2
        let joined: ValueID
        if stride == 1 {
            let kept = g.slice(x, axis: 0, 0..<half, name: "\(p).chunk0")
            let rest = g.slice(x, axis: 0, half..<channels, name: "\(p).chunk1")
            joined = g.concat([kept, branch2(g, rest, w, p, in: half, out: half, stride: 1)], name: "\(p).cat")
        } else {
            var b1 = ResNet.convBN(g, x, w, "\(p).branch1.0", "\(p).branch1.1", in: channels, out: channels, kernel: 3, stride: stride, groups: channels, relu: false)
            b1 = ResNet.convBN(g, b1, w, "\(p).branch1.2", "\(p).branch1.3", in: channels, out: half, kernel: 1, stride: 1, relu: true)
            joined = g.concat([b1, branch2(g, x, w, p, in: channels, out: half, stride: stride)], name: "\(p).cat")
        }
        return channelShuffle(g, joined, groups: 2, name: "\(p).shuffle")
    }

    /// `branch2`: 1x1-bn-relu, depthwise 3x3-bn, 1x1-bn-relu.
    static func branch2(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, stride: Int) -> ValueID {
        var y = ResNet.convBN(g, x, w, "\(p).branch2.0", "\(p).branch2.1", in: channels, out: out, kernel: 1, stride: 1, relu: true)
        y = ResNet.convBN(g, y, w, "\(p).branch2.3", "\(p).branch2.4", in: out, out: out, kernel: 3, stride: stride, groups: out, relu: false)
        return ResNet.convBN(g, y, w, "\(p).branch2.5", "\(p).branch2.6", in: out, out: out, kernel: 1, stride: 1, relu: true)
    }

    /// `channel_shuffle`: `(C, H, W) -> (groups, C/groups, H*W)`, swap the first two axes, back to `(C, H, W)`.
    static func channelShuffle(_ g: GraphBuilder, _ x: ValueID, groups: Int, name: String) -> ValueID {
        let s = g.shape(of: x)
        let grouped = g.reshape(x, [groups, s[0] / groups, s[1] * s[2]], name: "\(name).view")
        return g.reshape(g.permute(grouped, [1, 0, 2], name: "\(name).transpose"), s, name: name)
    }
}
