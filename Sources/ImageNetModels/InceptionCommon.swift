// Pieces GoogLeNet and Inception V3 share, as torchvision writes them in googlenet.py and inception.py
// (pytorch/vision v0.14.1): `BasicConv2d` and `_transform_input`.
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// `BasicConv2d`: a bias-free convolution `<p>.conv`, batch norm `<p>.bn` with eps 0.001, ReLU.
// (C, H, W) -> (out, H', W')
func basicConv2d(
    _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int,
    kernel: (h: Int, w: Int), stride: Int = 1, padding: (h: Int, w: Int) = (0, 0)
) -> ValueID {
    let y = g.conv2d(
        x, weight: w.tensor("\(p).conv.weight", [out, channels, kernel.h, kernel.w]), stride: stride,
        padding: Padding(top: padding.h, bottom: padding.h, left: padding.w, right: padding.w), name: "\(p).conv")
    return g.relu(batchNorm(g, y, w, "\(p).bn", channels: out, epsilon: 1e-3))
}

/// A square `BasicConv2d`.
func basicConv2d(
    _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in channels: Int, out: Int, kernel: Int,
    stride: Int = 1, padding: Int = 0
) -> ValueID {
    basicConv2d(g, x, w, p, in: channels, out: out, kernel: (kernel, kernel), stride: stride, padding: (padding, padding))
}

/// `transform_input=True`, which the ported Google weights need: the input, normalised with ImageNet's
/// mean and std, is re-normalised to `(x - 0.5) / 0.5` per channel, `x * (std / 0.5) + (mean - 0.5) / 0.5`.
///
/// NOTE: written as a batch norm with mean 0, variance 1 and eps 0, so that it is one per-channel scale and
/// shift; it reads the image, not a convolution, so no pass folds it (and padding must not see the shift).
// (3, H, W) -> (3, H, W)
func transformInput(_ g: GraphBuilder, _ x: ValueID) -> ValueID {
    let mean: [Double] = [0.485, 0.456, 0.406], std: [Double] = [0.229, 0.224, 0.225]
    // PyTorch multiplies by the Python double rounded to float32, then adds the same: so are these.
    let scale = std.map { Float($0 / 0.5) }, shift = mean.map { Float(($0 - 0.5) / 0.5) }
    return g.batchNorm(
        x, mean: Tensor(zeros: [3]), variance: Tensor(shape: [3], scalars: [1, 1, 1]),
        weight: Tensor(shape: [3], scalars: scale), bias: Tensor(shape: [3], scalars: shift), epsilon: 0,
        name: "transform_input")
}
