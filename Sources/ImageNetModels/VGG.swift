// VGG-11, 13, 16 and 19, with and without batch norm, as torchvision builds them.
//
// Paper: K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition",
// ICLR 2015, https://arxiv.org/abs/1409.1556.
// Upstream: pytorch/vision v0.14.1, torchvision/models/vgg.py (cfgs "A", "B", "D", "E").
// Parameter names are torchvision's state_dict keys (`features.3.weight`, `classifier.6.bias`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's VGG family.
public enum VGG {
    public enum Variant: String, Sendable, CaseIterable {
        case vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn

        /// Output channels of each 3x3 convolution; 0 is a 2x2 max pool (torchvision's "M").
        var layers: [Int] {
            switch self {
            case .vgg11, .vgg11_bn: [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .vgg13, .vgg13_bn: [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .vgg16, .vgg16_bn: [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]
            case .vgg19, .vgg19_bn: [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0]
            }
        }

        var batchNorm: Bool { rawValue.hasSuffix("_bn") }
    }

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        var channels = 3
        var index = 0
        for out in variant.layers {
            guard out > 0 else {
                x = g.maxPool(x, kernel: 2, stride: 2, name: "features.\(index)")
                index += 1
                continue
            }
            x = g.conv2d(
                x, weight: weights.tensor("features.\(index).weight", [out, channels, 3, 3]),
                bias: weights.tensor("features.\(index).bias", [out]), padding: .symmetric(1), name: "features.\(index)")
            if variant.batchNorm { x = batchNorm(g, x, weights, "features.\(index + 1)", channels: out, epsilon: 1e-5) }
            x = g.relu(x)
            index += variant.batchNorm ? 3 : 2
            channels = out
        }
        // classifier: (512, 7, 7) -> 4096 -> 4096 -> classes; dropout is the identity at inference
        x = g.flatten(g.adaptiveAvgPool(x, height: 7, width: 7))
        x = classifier(g, x, weights, in: 512 * 7 * 7)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    /// `classifier.0/3/6`: Linear-ReLU-Dropout, Linear-ReLU-Dropout, Linear; shared with AlexNet's `1/4/6`.
    static func classifier(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, in features: Int, keys: [Int] = [0, 3, 6]) -> ValueID {
        var x = x
        var width = features
        for (i, key) in keys.enumerated() {
            let p = "classifier.\(key)"
            let out = i == keys.count - 1 ? w.classCount(head: "\(p).weight") : 4096
            x = g.linear(x, weight: w.tensor("\(p).weight", [out, width]), bias: w.tensor("\(p).bias", [out]), name: p)
            if i < keys.count - 1 { x = g.relu(x) }
            width = out
        }
        return x
    }
}
