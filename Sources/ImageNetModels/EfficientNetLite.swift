// EfficientNet-Lite0 as the `efficientnet-lite-pytorch` 0.1.0 port builds it (weights converted from TensorFlow).
//
// Paper: M. Tan, Q. V. Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks", ICML 2019,
// https://arxiv.org/abs/1905.11946; Lite variants: tensorflow/tpu models/official/efficientnet/lite (2020).
// Upstream port: PyPI efficientnet-lite-pytorch 0.1.0, efficientnet_lite_pytorch/model.py and utils.py.
// NOTE: Lite drops squeeze-excite, uses ReLU6 instead of swish, keeps stem and head fixed at 32 and 1280
// channels, and pads like TensorFlow's "SAME" with pads computed once for a 224x224 input (the port's
// Conv2dStaticSamePadding), batch-norm epsilon 1e-3.
import InferenceGraph
import TensorCore

/// EfficientNet-Lite, parameter names as in the port's state_dict (`_blocks.3._depthwise_conv.weight`).
public enum EfficientNetLite {
    /// One stage of mobile inverted bottleneck blocks.
    struct Stage {
        let kernel: Int, stride: Int, expansion: Int, input: Int, output: Int, repeats: Int
    }

    /// Lite0's block table (width and depth coefficient 1.0).
    static let lite0: [Stage] = [
        Stage(kernel: 3, stride: 1, expansion: 1, input: 32, output: 16, repeats: 1),
        Stage(kernel: 3, stride: 2, expansion: 6, input: 16, output: 24, repeats: 2),
        Stage(kernel: 5, stride: 2, expansion: 6, input: 24, output: 40, repeats: 2),
        Stage(kernel: 3, stride: 2, expansion: 6, input: 40, output: 80, repeats: 3),
        Stage(kernel: 5, stride: 1, expansion: 6, input: 80, output: 112, repeats: 3),
        Stage(kernel: 5, stride: 2, expansion: 6, input: 112, output: 192, repeats: 4),
        Stage(kernel: 3, stride: 1, expansion: 6, input: 192, output: 320, repeats: 1),
    ]

    static let epsilon: Float = 1e-3

    /// The Lite0 inference graph: `(N, 3, 224, 224) -> (N, classes)` logits.
    ///
    /// `size` is the input size; padding is computed for 224 whatever it is, as the port does.
    public static func lite0Graph(weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        var paddingSize = 224  // the spatial size the port's static padding was computed for
        // stem: (3, 224, 224) -> (32, 112, 112)
        x = conv(g, x, weights, "_conv_stem", in: 3, out: 32, kernel: 3, stride: 2, groups: 1, padFor: paddingSize)
        x = g.relu6(batchNorm(g, x, weights, "_bn0", channels: 32, epsilon: epsilon))
        paddingSize = (paddingSize + 1) / 2
        var index = 0
        for stage in lite0 {
            for repeat_ in 0..<stage.repeats {
                let stride = repeat_ == 0 ? stage.stride : 1
                let input = repeat_ == 0 ? stage.input : stage.output
                x = block(g, x, weights, "_blocks.\(index)", stage, input: input, stride: stride, padFor: paddingSize)
                paddingSize = (paddingSize + stride - 1) / stride
                index += 1
            }
        }
        // head: (320, 7, 7) -> (1280, 7, 7) -> (classes)
        x = conv(g, x, weights, "_conv_head", in: 320, out: 1280, kernel: 1, stride: 1, groups: 1, padFor: paddingSize)
        x = g.relu6(batchNorm(g, x, weights, "_bn1", channels: 1280, epsilon: epsilon))
        x = TorchvisionLayers.poolAndLinear(g, x, weights, "_fc", features: 1280)
        g.output(x)
        try weights.finish()
        return try g.build()
    }

    /// Expand (1x1) - depthwise (k x k, stride) - project (1x1), each with batch norm; ReLU6 after the first two;
    /// a residual connection when the shape is unchanged.
    static func block(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, input: Int, stride: Int,
        padFor size: Int
    ) -> ValueID {
        let hidden = input * stage.expansion
        var y = x
        if stage.expansion != 1 {
            y = conv(g, y, w, "\(p)._expand_conv", in: input, out: hidden, kernel: 1, stride: 1, groups: 1, padFor: size)
            y = g.relu6(batchNorm(g, y, w, "\(p)._bn0", channels: hidden, epsilon: epsilon))
        }
        y = conv(
            g, y, w, "\(p)._depthwise_conv", in: hidden, out: hidden, kernel: stage.kernel, stride: stride, groups: hidden,
            padFor: size)
        y = g.relu6(batchNorm(g, y, w, "\(p)._bn1", channels: hidden, epsilon: epsilon))
        y = conv(g, y, w, "\(p)._project_conv", in: hidden, out: stage.output, kernel: 1, stride: 1, groups: 1, padFor: size)
        y = batchNorm(g, y, w, "\(p)._bn2", channels: stage.output, epsilon: epsilon)
        return stride == 1 && input == stage.output ? g.add(y, x, name: "\(p).add") : y
    }

    /// A bias-free convolution with TensorFlow "SAME" padding for a `size` x `size` input.
    static func conv(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ name: String, in channels: Int, out: Int, kernel: Int,
        stride: Int, groups: Int, padFor size: Int
    ) -> ValueID {
        let weight = w.tensor("\(name).weight", [out, channels / groups, kernel, kernel])
        let padding = Padding.same(height: size, width: size, kernel: (kernel, kernel), stride: (stride, stride))
        return g.conv2d(x, weight: weight, stride: stride, padding: padding, groups: groups, name: name)
    }
}
