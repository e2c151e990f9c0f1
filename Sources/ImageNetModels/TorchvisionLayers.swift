// The building blocks torchvision's newer models share, from torchvision/ops/misc.py (v0.14.1):
// `Conv2dNormActivation` and `SqueezeExcitation`, with their state_dict key layout.
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's shared layers, used by EfficientNet, MobileNet V2/V3, RegNet, MNASNet and ResNet (and the Lite0 port's head).
enum TorchvisionLayers {
    /// `Conv2dNormActivation`: a bias-free kxk convolution `<p>.0` with padding (k-1)/2, batch norm `<p>.1`,
    /// then `activation` (none for a linear projection).
    // (N, C, H, W) -> (N, out, H/stride, W/stride)
    static func convNormActivation(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int,
        stride: Int = 1, groups: Int = 1, epsilon: Float = 1e-5, activation: Activation?
    ) -> ValueID {
        let y = g.conv2d(
            x, weight: w.tensor("\(p).0.weight", [out, channels / groups, kernel, kernel]), stride: stride,
            padding: .symmetric((kernel - 1) / 2), groups: groups, name: "\(p).0")
        let normalized = batchNorm(g, y, w, "\(p).1", channels: out, epsilon: epsilon)
        return activation.map { g.activation(normalized, $0) } ?? normalized
    }

    /// `SqueezeExcitation`: x * gate(fc2(activation(fc1(avgpool(x))))), the gate broadcast over H and W.
    // (N, C, H, W) -> (N, C, H, W)
    static func squeezeExcitation(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, channels: Int, squeeze: Int,
        activation: Activation, gate: Activation = .sigmoid
    ) -> ValueID {
        var s = g.adaptiveAvgPool(x)
        s = g.conv2d(s, weight: w.tensor("\(p).fc1.weight", [squeeze, channels, 1, 1]), bias: w.tensor("\(p).fc1.bias", [squeeze]), name: "\(p).fc1")
        s = g.activation(s, activation)
        s = g.conv2d(s, weight: w.tensor("\(p).fc2.weight", [channels, squeeze, 1, 1]), bias: w.tensor("\(p).fc2.bias", [channels]), name: "\(p).fc2")
        return g.mul(x, g.activation(s, gate), name: "\(p).scale")
    }

    /// The usual head: global average pool, flatten, then `Linear(features, classes)` named `key`, the
    /// number of classes from the file.
    // (N, C, H, W) -> (N, classes)
    static func poolAndLinear(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ key: String, features: Int) -> ValueID {
        let pooled = g.flatten(g.adaptiveAvgPool(x))
        let classes = w.classCount(head: "\(key).weight")
        return g.linear(pooled, weight: w.tensor("\(key).weight", [classes, features]), bias: w.tensor("\(key).bias", [classes]), name: key)
    }
}
