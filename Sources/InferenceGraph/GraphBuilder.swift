import TensorCore

/// Builds a ``Graph`` one op at a time, inferring shapes as it goes.
///
/// ```swift
/// let g = GraphBuilder()
/// let x = g.input("x", channels: 3, height: 224, width: 224)
/// var y = g.conv2d(x, weight: w, stride: 2, padding: .symmetric(3), name: "conv1")
/// y = g.relu(g.batchNorm(y, mean: m, variance: v, weight: gamma, bias: beta, name: "bn1"))
/// g.output(g.linear(g.flatten(g.adaptiveAvgPool(y)), weight: fcW, bias: fcB, name: "fc"))
/// let graph = try g.build()
/// ```
/// Builder calls never throw, so model code reads like the PyTorch `forward`; the first error
/// (a shape mismatch, a bad parameter) is kept and thrown by ``build()``.
public final class GraphBuilder {
    private var nodes: [Node] = []
    private var output: ValueID?
    private var firstError: GraphError?

    public init() {}

    /// The per-image shape of a value built so far.
    public func shape(of value: ValueID) -> Shape { nodes[value.index].shape }

    /// The finished graph, or the first error met while building it.
    public func build() throws(GraphError) -> Graph {
        if let firstError { throw firstError }
        guard let output else { throw .malformed("no output: call output(_:)") }
        guard nodes.filter({ if case .input = $0.op { true } else { false } }).count == 1 else {
            throw .malformed("exactly one input is supported")
        }
        return Graph(nodes: nodes, output: output)
    }

    /// Marks `value` as the graph's output.
    public func output(_ value: ValueID) { output = value }

    // MARK: - Ops

    /// The graph input, `(N, channels, height, width)` NCHW float32; it must be the first call.
    public func input(_ name: String, channels: Int, height: Int = 224, width: Int = 224) -> ValueID {
        if !nodes.isEmpty { record(.malformed("input(_:) must be the first node")) }
        nodes.append(Node(name: name, op: .input(name: name), inputs: [], shape: [channels, height, width]))
        return ValueID(nodes.count - 1)
    }

    /// A convolution, `weight` `[K, C/groups, kH, kW]`: `(C, H, W) -> (K, H', W')`.
    public func conv2d(
        _ x: ValueID, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .none,
        dilation: Int = 1, groups: Int = 1, name: String? = nil
    ) -> ValueID {
        let conv = Conv2D(
            weight: weight, bias: bias, stride: (stride, stride), dilation: (dilation, dilation), padding: padding,
            groups: groups, postOps: [])
        return add(.conv2d(conv), [x], name)
    }

    /// Inference batch normalization with running statistics (PyTorch's `eps` defaults to 1e-5).
    public func batchNorm(
        _ x: ValueID, mean: Tensor, variance: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5,
        name: String? = nil
    ) -> ValueID {
        add(.batchNorm(BatchNorm(mean: mean, variance: variance, gamma: weight, beta: bias, epsilon: epsilon)), [x], name)
    }

    public func activation(_ x: ValueID, _ activation: Activation, name: String? = nil) -> ValueID {
        add(.activation(activation), [x], name)
    }
    public func relu(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .relu, name: name) }
    public func relu6(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .relu6, name: name) }
    public func sigmoid(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .sigmoid, name: name) }
    public func silu(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .silu, name: name) }
    public func hardswish(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .hardswish, name: name) }
    public func hardsigmoid(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .hardsigmoid, name: name) }
    public func gelu(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .gelu, name: name) }
    public func tanh(_ x: ValueID, name: String? = nil) -> ValueID { activation(x, .tanh, name: name) }

    /// `a + b`; `b` broadcasts onto `a` (same rank, each axis equal or 1).
    public func add(_ a: ValueID, _ b: ValueID, name: String? = nil) -> ValueID { add(.add, [a, b], name) }

    /// `a * b`; `b` broadcasts onto `a`, such as a `(C, 1, 1)` squeeze-and-excitation gate.
    public func mul(_ a: ValueID, _ b: ValueID, name: String? = nil) -> ValueID { add(.mul, [a, b], name) }

    /// `torch.cat(values, axis + 1)`; the default, axis 0, is channels: `(C1, H, W) ++ (C2, H, W) -> (C1 + C2, H, W)`.
    public func concat(_ values: [ValueID], axis: Int = 0, name: String? = nil) -> ValueID { add(.concat(axis: axis), values, name) }

    /// A tensor the same for every image: a parameter that is data, not weights of an op (class token,
    /// position embedding, layer scale, attention bias).
    public func constant(_ tensor: Tensor, name: String? = nil) -> ValueID { add(.constant(tensor), [], name) }

    /// `nn.LayerNorm(D)` over the last axis, or with `axis: .channels` ConvNeXt's `LayerNorm2d` on `(C, H, W)`.
    public func layerNorm(
        _ x: ValueID, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5, axis: LayerNorm.Axis = .last, name: String? = nil
    ) -> ValueID {
        add(.layerNorm(LayerNorm(gamma: weight, beta: bias, epsilon: epsilon, axis: axis)), [x], name)
    }

    /// `scale * (a @ b)`, or `scale * (a @ b.transpose(-2, -1))`: `(..., M, K) @ (..., K, N) -> (..., M, N)`.
    public func matmul(_ a: ValueID, _ b: ValueID, transposeB: Bool = false, scale: Float = 1, name: String? = nil) -> ValueID {
        add(.matmul(MatMul(transposeB: transposeB, scale: scale)), [a, b], name)
    }

    /// `softmax(x, dim=-1)`.
    public func softmax(_ x: ValueID, name: String? = nil) -> ValueID { add(.softmax, [x], name) }

    /// `F.normalize(x, dim=-1)`: rows of unit Euclidean norm.
    public func l2Normalize(_ x: ValueID, name: String? = nil) -> ValueID { add(.l2Normalize, [x], name) }

    /// `x.reshape(shape)` per image (row-major order kept).
    public func reshape(_ x: ValueID, _ shape: Shape, name: String? = nil) -> ValueID { add(.reshape(shape), [x], name) }

    /// `x.permute(order)` per image: output axis `i` is input axis `order[i]`.
    public func permute(_ x: ValueID, _ order: [Int], name: String? = nil) -> ValueID { add(.permute(order), [x], name) }

    /// `x.narrow(axis, start, end - start)` per image.
    public func slice(_ x: ValueID, axis: Int, _ range: Range<Int>, name: String? = nil) -> ValueID {
        add(.slice(Slice(axis: axis, start: range.lowerBound, end: range.upperBound)), [x], name)
    }

    /// `max_pool2d`; `ceilMode` is PyTorch's `ceil_mode` (the last window may overhang the bottom/right edge).
    public func maxPool(
        _ x: ValueID, kernel: Int, stride: Int, padding: Padding = .none, ceilMode: Bool = false, name: String? = nil
    ) -> ValueID {
        add(.maxPool(Pool(kernel: (kernel, kernel), stride: (stride, stride), padding: padding, ceilMode: ceilMode)), [x], name)
    }

    /// `avg_pool2d`; `countIncludePad` and `ceilMode` are PyTorch's `count_include_pad` and `ceil_mode`.
    public func avgPool(
        _ x: ValueID, kernel: Int, stride: Int, padding: Padding = .none, countIncludePad: Bool = true,
        ceilMode: Bool = false, name: String? = nil
    ) -> ValueID {
        let pool = Pool(kernel: (kernel, kernel), stride: (stride, stride), padding: padding, ceilMode: ceilMode)
        return add(.avgPool(pool, countIncludePad: countIncludePad), [x], name)
    }

    /// `adaptive_avg_pool2d(x, (height, width))`; the default is global average pooling.
    public func adaptiveAvgPool(_ x: ValueID, height: Int = 1, width: Int = 1, name: String? = nil) -> ValueID {
        add(.adaptiveAvgPool(height: height, width: width), [x], name)
    }

    /// `torch.flatten(x, 1)`: a reshape to `(F)`.
    public func flatten(_ x: ValueID, name: String? = nil) -> ValueID {
        add(.reshape([shape(of: x).elementCount]), [x], name ?? "flatten_\(nodes.count)")
    }

    /// A fully connected layer with PyTorch's `[out, in]` weight, over the last axis: `(..., in) -> (..., out)`.
    public func linear(_ x: ValueID, weight: Tensor, bias: Tensor? = nil, name: String? = nil) -> ValueID {
        add(.linear(Linear(weight: weight, bias: bias)), [x], name)
    }

    // MARK: - Plumbing

    private func add(_ op: Op, _ inputs: [ValueID], _ name: String?) -> ValueID {
        let nodeName = name ?? "\(op.kind)_\(nodes.count)"
        var shape: Shape = []
        if firstError == nil {
            do { shape = try op.outputShape(inputs.map { nodes[$0.index].shape }, node: nodeName) } catch { record(error) }
            if !(1...5).contains(shape.rank) { record(.shapeMismatch(node: nodeName, detail: "values have rank 1 to 5 per image, got \(shape)")) }
        }
        nodes.append(Node(name: nodeName, op: op, inputs: inputs, shape: shape))
        return ValueID(nodes.count - 1)
    }

    private func record(_ error: GraphError) {
        if firstError == nil { firstError = error }
    }
}
