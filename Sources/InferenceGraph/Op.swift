import Foundation
import TensorCore

// Layout letters used throughout: N batch, C input channels, K output channels, H/W spatial size,
// T tokens, D features. A value is one image's tensor of rank 1 to 5, the batch dimension implicit and
// outermost: images `(C, H, W)`, token sequences `(T, D)`, attention heads `(heads, T, D)`, features `(F)`.
// Graph-level activations are row-major float32; weights follow PyTorch's layouts.

/// One operation of the graph; its operands are the node's `inputs`, in order.
public enum Op: Sendable, Equatable {
    /// The graph input, `(N, C, H, W)`.
    case input(name: String)
    /// A 2-D convolution with optional fused post-ops; input 0 is the data, input 1 the residual (if any).
    case conv2d(Conv2D)
    /// Inference batch normalization with running statistics.
    case batchNorm(BatchNorm)
    /// An elementwise activation.
    case activation(Activation)
    /// Elementwise sum; the second operand broadcasts onto the first (same rank, each axis equal or 1).
    case add
    /// Elementwise product, broadcasting as ``add`` (squeeze-and-excitation's `(C, 1, 1)` gate, layer scale).
    case mul
    /// `torch.cat(inputs, axis + 1)`: sizes add up along `axis`, every other axis equal; any number of inputs.
    case concat(axis: Int)
    /// A tensor that is the same for every image (class token, position embedding, attention bias and mask).
    case constant(Tensor)
    /// Layer normalization over the last axis, or over the channels of a `(C, H, W)` image.
    case layerNorm(LayerNorm)
    /// `a @ b` (or `a @ bᵀ`) over the last two axes, batched over the leading ones, times a scale.
    case matmul(MatMul)
    /// `softmax(x, dim=-1)`.
    case softmax
    /// `F.normalize(x, dim=-1)`: each row divided by its Euclidean norm (at least 1e-12); Swin V2's cosine attention.
    case l2Normalize
    /// The same row-major elements in another shape (`torch.reshape`; flatten is a reshape to `(F)`).
    case reshape(Shape)
    /// `x.permute(order)`: output axis `i` is input axis `order[i]` (per image; the batch stays outermost).
    case permute([Int])
    /// `x.narrow(axis, start, end - start)`: the elements `start..<end` along one axis.
    case slice(Slice)
    /// Max pooling; padding counts as -infinity, as in PyTorch.
    case maxPool(Pool)
    /// Average pooling; `countIncludePad` follows `torch.nn.functional.avg_pool2d`.
    case avgPool(Pool, countIncludePad: Bool)
    /// `torch.nn.functional.adaptive_avg_pool2d` to `(height, width)`.
    case adaptiveAvgPool(height: Int, width: Int)
    /// `y = x W^T + b` over the last axis, with PyTorch's weight layout `[out, in]`: `(..., in) -> (..., out)`.
    case linear(Linear)

    /// A short lowercase name for logs and node names.
    public var kind: String {
        switch self {
        case .input: "input"
        case .conv2d: "conv2d"
        case .batchNorm: "batchnorm"
        case .activation(let a): a.rawValue
        case .add: "add"
        case .mul: "mul"
        case .concat: "concat"
        case .constant: "constant"
        case .layerNorm: "layernorm"
        case .matmul: "matmul"
        case .softmax: "softmax"
        case .l2Normalize: "l2normalize"
        case .reshape: "reshape"
        case .permute: "permute"
        case .slice: "slice"
        case .maxPool: "maxpool"
        case .avgPool: "avgpool"
        case .adaptiveAvgPool: "adaptiveavgpool"
        case .linear: "linear"
        }
    }
}

/// The activations a graph (and a convolution's post-ops) can apply.
public enum Activation: String, Sendable, CaseIterable {
    case relu, relu6, sigmoid, silu
    /// `x * relu6(x + 3) / 6` (MobileNetV3).
    case hardswish
    /// `relu6(x + 3) / 6` (MobileNetV3's squeeze-excitation gate).
    case hardsigmoid
    /// `x * Φ(x)` with the exact normal CDF, `0.5 * x * (1 + erf(x / sqrt(2)))` (`nn.GELU()`'s default).
    case gelu
    /// `tanh(x)` (MaxViT's classifier).
    case tanh

    /// The scalar function, shared by every backend that evaluates activations itself; written as
    /// PyTorch's CPU kernels write it.
    @inlinable
    public func apply(_ x: Float) -> Float {
        switch self {
        case .relu: max(x, 0)
        case .relu6: min(max(x, 0), 6)
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case .silu: x / (1 + Foundation.exp(-x))
        case .hardswish: x * min(max(x + 3, 0), 6) / 6
        case .hardsigmoid: min(max(x + 3, 0), 6) / 6
        case .gelu: 0.5 * x * (1 + Foundation.erf(x * Float(0.5).squareRoot()))
        case .tanh: Foundation.tanh(x)
        }
    }
}

/// Explicit zero padding on each side; TensorFlow-style "same" padding is asymmetric.
public struct Padding: Sendable, Equatable {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// The same padding `p` on all four sides (PyTorch's `padding=p`).
    public static func symmetric(_ p: Int) -> Padding { Padding(top: p, bottom: p, left: p, right: p) }

    /// No padding.
    public static let none = Padding.symmetric(0)

    /// TensorFlow's "SAME" padding for one input size: the output is `ceil(size / stride)`, and the extra
    /// pixel, when the total is odd, goes to the bottom/right.
    public static func same(
        height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int), dilation: (Int, Int) = (1, 1)
    ) -> Padding {
        func split(_ size: Int, _ k: Int, _ s: Int, _ d: Int) -> (Int, Int) {
            let extent = (k - 1) * d + 1
            let total = max((size + s - 1) / s * s - s + extent - size, 0)
            return (total / 2, total - total / 2)
        }
        let (t, b) = split(height, kernel.0, stride.0, dilation.0)
        let (l, r) = split(width, kernel.1, stride.1, dilation.1)
        return Padding(top: t, bottom: b, left: l, right: r)
    }
}

/// What a convolution does to its result before writing it, in order.
public enum PostOp: Sendable, Equatable {
    /// Add the node's second input (a residual connection).
    case residualAdd
    /// Apply an activation.
    case activation(Activation)
}

/// Convolution parameters; `weight` is `[K, C/groups, kH, kW]` as in PyTorch.
public struct Conv2D: Sendable, Equatable {
    public var weight: Tensor
    /// `[K]`, or nil for no bias.
    public var bias: Tensor?
    public var stride: (h: Int, w: Int)
    public var dilation: (h: Int, w: Int)
    public var padding: Padding
    public var groups: Int
    public var postOps: [PostOp]

    public var outChannels: Int { weight.shape[0] }
    public var kernel: (h: Int, w: Int) { (weight.shape[2], weight.shape[3]) }

    public static func == (a: Conv2D, b: Conv2D) -> Bool {
        a.weight == b.weight && a.bias == b.bias && a.stride == b.stride && a.dilation == b.dilation
            && a.padding == b.padding && a.groups == b.groups && a.postOps == b.postOps
    }
}

/// Inference batch norm: `y = (x - mean) / sqrt(var + eps) * gamma + beta`, per channel.
public struct BatchNorm: Sendable, Equatable {
    public var mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor
    public var epsilon: Float
}

/// A pooling window.
public struct Pool: Sendable, Equatable {
    public var kernel: (h: Int, w: Int)
    public var stride: (h: Int, w: Int)
    public var padding: Padding
    /// PyTorch's `ceil_mode`: the output size rounds up, so a last, partial window overhangs the bottom/right
    /// edge (unless it would start in the padding); the overhang is outside the input, like padding.
    public var ceilMode: Bool

    public init(kernel: (h: Int, w: Int), stride: (h: Int, w: Int), padding: Padding, ceilMode: Bool = false) {
        (self.kernel, self.stride, self.padding, self.ceilMode) = (kernel, stride, padding, ceilMode)
    }

    public static func == (a: Pool, b: Pool) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding && a.ceilMode == b.ceilMode
    }
}

extension Op {
    /// The fused post-ops of a layer that takes them (a convolution, a linear layer), or nil for any other op.
    public var postOps: [PostOp]? {
        switch self {
        case .conv2d(let conv): conv.postOps
        case .linear(let linear): linear.postOps
        default: nil
        }
    }

    /// This layer with `postOp` fused after its own (nil for an op that takes none).
    func appending(_ postOp: PostOp) -> Op? {
        switch self {
        case .conv2d(var conv):
            conv.postOps.append(postOp)
            return .conv2d(conv)
        case .linear(var linear):
            linear.postOps.append(postOp)
            return .linear(linear)
        default: return nil
        }
    }
}

/// A fully connected layer; `weight` is `[out, in]`, `bias` is `[out]` or nil; `postOps` as a convolution's (the
/// MLP's GELU, the residual add after a transformer block's projection), fused by ``Graph/fusingPostOps()``.
public struct Linear: Sendable, Equatable {
    public var weight: Tensor
    public var bias: Tensor?
    public var postOps: [PostOp] = []
}

/// `(x - mean) / sqrt(var + eps) * gamma + beta`, the statistics taken over the normalized axis.
public struct LayerNorm: Sendable, Equatable {
    public enum Axis: Sendable, Equatable {
        /// `nn.LayerNorm(D)` on `(..., D)`.
        case last
        /// ConvNeXt's `LayerNorm2d`: each pixel of a `(C, H, W)` image normalized over its `C` channels.
        case channels
    }
    public var gamma: Tensor, beta: Tensor
    public var epsilon: Float
    public var axis: Axis

    public init(gamma: Tensor, beta: Tensor, epsilon: Float, axis: Axis) {
        (self.gamma, self.beta, self.epsilon, self.axis) = (gamma, beta, epsilon, axis)
    }
}

/// `scale * (a @ b)`, or `scale * (a @ bᵀ)` with `transposeB` (attention's `q @ kᵀ / sqrt(d)`).
public struct MatMul: Sendable, Equatable {
    public var transposeB: Bool
    public var scale: Float

    public init(transposeB: Bool = false, scale: Float = 1) { (self.transposeB, self.scale) = (transposeB, scale) }
}

/// `start..<end` along `axis` (a per-image axis).
public struct Slice: Sendable, Equatable {
    public var axis: Int, start: Int, end: Int

    public init(axis: Int, start: Int, end: Int) { (self.axis, self.start, self.end) = (axis, start, end) }
}
