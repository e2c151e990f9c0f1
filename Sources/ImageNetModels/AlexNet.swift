// AlexNet as torchvision builds it (the "one weird trick" variant: 64-192-384-256-256 channels).
//
// Papers: A. Krizhevsky, I. Sutskever, G. Hinton, "ImageNet Classification with Deep Convolutional Neural
// Networks", NeurIPS 2012; A. Krizhevsky, "One weird trick for parallelizing convolutional neural networks",
// 2014, https://arxiv.org/abs/1404.5997.
// Upstream: pytorch/vision v0.14.1, torchvision/models/alexnet.py.
// Parameter names are torchvision's state_dict keys (`features.0.weight`, `classifier.6.bias`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's AlexNet.
public enum AlexNet {
    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = g.input("image", channels: 3, height: size, width: size)
        // features: (3, 224, 224) -> (256, 6, 6)
        let convs: [(index: Int, out: Int, kernel: Int, stride: Int, padding: Int, poolAfter: Bool)] = [
            (0, 64, 11, 4, 2, true), (3, 192, 5, 1, 2, true), (6, 384, 3, 1, 1, false), (8, 256, 3, 1, 1, false),
            (10, 256, 3, 1, 1, true),
        ]
        var channels = 3
        for c in convs {
            x = g.relu(
                g.conv2d(
                    x, weight: weights.tensor("features.\(c.index).weight", [c.out, channels, c.kernel, c.kernel]),
                    bias: weights.tensor("features.\(c.index).bias", [c.out]), stride: c.stride,
                    padding: .symmetric(c.padding), name: "features.\(c.index)"))
            if c.poolAfter { x = g.maxPool(x, kernel: 3, stride: 2) }
            channels = c.out
        }
        // classifier: Dropout, Linear(9216, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Linear(4096, classes)
        x = g.flatten(g.adaptiveAvgPool(x, height: 6, width: 6))
        x = VGG.classifier(g, x, weights, in: 256 * 6 * 6, keys: [1, 4, 6])
        g.output(x)
        try weights.finish()
        return try g.build()
    }
}
