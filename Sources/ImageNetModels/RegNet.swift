// RegNet X and Y, every size torchvision has (400MF to 128GF), as torchvision builds them.
//
// Paper: I. Radosavovic, R. P. Kosaraju, R. Girshick, K. He, P. Dollár, "Designing Network Design Spaces",
// CVPR 2020, https://arxiv.org/abs/2003.13678.
// Upstream: pytorch/vision v0.14.1, torchvision/models/regnet.py (SimpleStemIN, ResBottleneckBlock,
// BottleneckTransform, BlockParams.from_init_params).
// NOTE: the stage table (`regNetStages`, in TorchvisionWeights.swift) is copied from what torchvision's
// `from_init_params` computes in float32 torch arithmetic, by scripts/gen-torchvision-weights, rather than
// recomputed here; Y models add squeeze-excitation (ReLU, sigmoid) with ratio 0.25 of the block's input width.
// Parameter names are torchvision's state_dict keys (`trunk_output.block2.block2-0.f.b.0.weight`).
import Foundation
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's RegNet family.
public enum RegNet {
    /// One stage: output width, first stride, blocks, channels per group, bottleneck multiplier.
    struct Stage {
        let width: Int, stride: Int, depth: Int, groupWidth: Int, bottleneck: Double
    }

    /// Every RegNet torchvision names, X and Y.
    public static var names: [String] { regNetStages.keys.sorted() }

    /// `(N, 3, size, size) -> (N, classes)` logits for the RegNet called `name`, classes from the head.
    public static func graph(_ name: String, weights: WeightSource, size: Int = 224) throws -> Graph {
        guard let (stages, seRatio) = regNetStages[name] else { throw GraphError.malformed("no RegNet called \(name)") }
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // stem: conv3x3/2-bn-relu, (3, 224, 224) -> (32, 112, 112)
        x = g.relu(convBN(g, x, weights, "stem", in: 3, out: 32, kernel: 3, stride: 2))
        var width = 32
        for (s, stage) in stages.enumerated() {
            for block in 0..<stage.depth {
                let p = "trunk_output.block\(s + 1).block\(s + 1)-\(block)"
                x = residualBlock(g, x, weights, p, in: width, stage, stride: block == 0 ? stage.stride : 1, seRatio: seRatio)
                width = stage.width
            }
        }
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "fc", features: width)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// `ResBottleneckBlock`: relu(proj(x) or x + f(x)), f = 1x1-bn-relu, grouped 3x3-bn-relu, [SE], 1x1-bn.
    static func residualBlock(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in widthIn: Int, _ stage: Stage, stride: Int,
        seRatio: Double?
    ) -> ValueID {
        let bottleneck = Int((Double(stage.width) * stage.bottleneck).rounded(.toNearestOrEven))
        let groups = bottleneck / stage.groupWidth
        var y = g.relu(convBN(g, x, w, "\(p).f.a", in: widthIn, out: bottleneck, kernel: 1, stride: 1))
        y = g.relu(convBN(g, y, w, "\(p).f.b", in: bottleneck, out: bottleneck, kernel: 3, stride: stride, groups: groups))
        if let seRatio {
            let squeeze = Int((seRatio * Double(widthIn)).rounded(.toNearestOrEven))
            y = TorchvisionLayers.squeezeExcitation(g, y, w, "\(p).f.se", channels: bottleneck, squeeze: squeeze, activation: .relu)
        }
        y = convBN(g, y, w, "\(p).f.c", in: bottleneck, out: stage.width, kernel: 1, stride: 1)
        let shortcut = widthIn != stage.width || stride != 1
            ? convBN(g, x, w, "\(p).proj", in: widthIn, out: stage.width, kernel: 1, stride: stride) : x
        return g.relu(g.add(shortcut, y, name: "\(p).add"))
    }

    /// `Conv2dNormActivation` without its activation.
    static func convBN(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int, stride: Int,
        groups: Int = 1
    ) -> ValueID {
        TorchvisionLayers.convNormActivation(g, x, w, p, in: channels, out: out, kernel: kernel, stride: stride, groups: groups, activation: nil)
    }
}
