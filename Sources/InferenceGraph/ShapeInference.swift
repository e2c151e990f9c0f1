import TensorCore

// MARK: - Shape inference

/// The per-image output size of a sliding window: `floor((size + padding - extent) / stride) + 1`.
public func windowOutputSize(_ size: Int, kernel: Int, stride: Int, dilation: Int = 1, padBefore: Int, padAfter: Int) -> Int {
    let extent = (kernel - 1) * dilation + 1
    let span = size + padBefore + padAfter - extent
    return span < 0 ? 0 : span / stride + 1
}

/// The per-image output size of a pooling window with PyTorch's `ceil_mode`: `ceil(span / stride) + 1`, less
/// one when the last window would start in the bottom/right padding (so every window sees the input).
public func ceilWindowOutputSize(_ size: Int, kernel: Int, stride: Int, padBefore: Int, padAfter: Int) -> Int {
    let span = size + padBefore + padAfter - kernel
    guard span >= 0 else { return 0 }
    let out = (span + stride - 1) / stride + 1
    return (out - 1) * stride >= size + padBefore ? out - 1 : out
}

extension Op {
    /// The per-image output shape for operands of `inputs` shapes, or an error naming the node.
    public func outputShape(_ inputs: [Shape], node: String) throws(GraphError) -> Shape {
        func fail(_ detail: String) -> GraphError { .shapeMismatch(node: node, detail: detail) }
        func image(_ i: Int) throws(GraphError) -> (c: Int, h: Int, w: Int) {
            guard inputs[i].rank == 3 else { throw fail("expects an image (C, H, W), got \(inputs[i])") }
            return (inputs[i][0], inputs[i][1], inputs[i][2])
        }
        switch self {
        case .input:
            return inputs[0]
        case .conv2d(let conv):
            return try conv.outputShape(try image(0), inputs: inputs, node: node)
        case .batchNorm(let bn):
            let c = try image(0).c
            for (label, t) in [("mean", bn.mean), ("var", bn.variance), ("weight", bn.gamma), ("bias", bn.beta)]
            where t.shape != [c] {
                throw .badParameter(node: node, detail: "\(label) has shape \(t.shape), expected [\(c)]")
            }
            return inputs[0]
        case .activation:
            return inputs[0]
        case .add, .mul:
            return try broadcasting(inputs[1], onto: inputs[0], fail)
        case .concat(let axis):
            guard !inputs.isEmpty else { throw .malformed("\(node): concat needs at least one input") }
            guard axis >= 0, axis < inputs[0].rank else { throw .badParameter(node: node, detail: "axis \(axis) of \(inputs[0])") }
            var out = inputs[0].dims
            out[axis] = 0
            for shape in inputs {
                var others = shape.dims
                guard others.count == out.count else { throw fail("concat needs equal ranks, got \(inputs[0]) and \(shape)") }
                out[axis] += others[axis]
                others[axis] = 0
                guard others == out.enumerated().map({ $0.offset == axis ? 0 : $0.element }) else {
                    throw fail("concat along axis \(axis) needs the other sizes equal, got \(inputs[0]) and \(shape)")
                }
            }
            return Shape(out)
        case .constant(let t):
            return t.shape
        case .layerNorm(let ln):
            let d = ln.axis == .last ? inputs[0].dims.last ?? 0 : try image(0).c
            for (label, t) in [("weight", ln.gamma), ("bias", ln.beta)] where t.shape != [d] {
                throw .badParameter(node: node, detail: "\(label) has shape \(t.shape), expected [\(d)]")
            }
            return inputs[0]
        case .matmul(let mm):
            let (a, b) = (inputs[0].dims, inputs[1].dims)
            guard a.count >= 2, b.count == a.count, a.dropLast(2) == b.dropLast(2) else {
                throw fail("matmul needs two operands of equal rank >= 2 and equal leading axes, got \(inputs[0]) and \(inputs[1])")
            }
            let (k, n) = mm.transposeB ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
            guard a[a.count - 1] == k else { throw fail("matmul inner sizes differ: \(inputs[0]) and \(inputs[1])\(mm.transposeB ? "ᵀ" : "")") }
            return Shape(a.dropLast() + [n])
        case .softmax, .l2Normalize:
            return inputs[0]
        case .reshape(let shape):
            guard shape.elementCount == inputs[0].elementCount, shape.dims.allSatisfy({ $0 > 0 }) else {
                throw fail("cannot reshape \(inputs[0]) to \(shape)")
            }
            return shape
        case .permute(let order):
            guard order.sorted() == Array(0..<inputs[0].rank) else { throw .badParameter(node: node, detail: "\(order) does not permute \(inputs[0])") }
            return Shape(order.map { inputs[0][$0] })
        case .slice(let s):
            guard s.axis >= 0, s.axis < inputs[0].rank, 0 <= s.start, s.start < s.end, s.end <= inputs[0][s.axis] else {
                throw .badParameter(node: node, detail: "slice \(s.start)..<\(s.end) of axis \(s.axis) of \(inputs[0])")
            }
            var out = inputs[0].dims
            out[s.axis] = s.end - s.start
            return Shape(out)
        case .maxPool(let pool), .avgPool(let pool, _):
            let x = try image(0)
            guard pool.stride.h > 0, pool.stride.w > 0 else { throw .badParameter(node: node, detail: "stride must be positive") }
            let (h, w) = pool.outputSize(height: x.h, width: x.w)
            guard h > 0, w > 0 else { throw fail("pooling window larger than the padded input \(inputs[0])") }
            return [x.c, h, w]
        case .adaptiveAvgPool(let h, let w):
            let x = try image(0)
            guard h > 0, w > 0 else { throw fail("adaptive pool output must be positive, got \(h)x\(w)") }
            return [x.c, h, w]
        case .linear(let linear):
            let features = inputs[0].dims.last ?? 0
            guard linear.weight.shape.rank == 2, linear.weight.shape[1] == features else {
                let hint = inputs[0].rank == 3 ? "; a linear layer reads the last axis: flatten first" : ""
                throw .badParameter(node: node, detail: "weight \(linear.weight.shape) does not take \(features) features of \(inputs[0])\(hint)")
            }
            if let b = linear.bias, b.shape != [linear.weight.shape[0]] {
                throw .badParameter(node: node, detail: "bias \(b.shape), expected [\(linear.weight.shape[0])]")
            }
            return Shape(inputs[0].dims.dropLast() + [linear.weight.shape[0]])
        }
    }
}

/// The shape of `a op b` where `b` broadcasts onto `a`: equal ranks, each axis of `b` equal to `a`'s or 1.
private func broadcasting(_ b: Shape, onto a: Shape, _ fail: (String) -> GraphError) throws(GraphError) -> Shape {
    guard a.rank == b.rank, zip(a.dims, b.dims).allSatisfy({ $1 == $0 || $1 == 1 }) else {
        throw fail("\(b) does not broadcast onto \(a) (same rank, each axis equal or 1)")
    }
    return a
}

extension Pool {
    /// The output size for an `height` x `width` input, rounding as PyTorch does with this `ceilMode`.
    // (H, W) -> (H', W')
    public func outputSize(height: Int, width: Int) -> (h: Int, w: Int) {
        func size(_ n: Int, _ k: Int, _ s: Int, _ before: Int, _ after: Int) -> Int {
            ceilMode
                ? ceilWindowOutputSize(n, kernel: k, stride: s, padBefore: before, padAfter: after)
                : windowOutputSize(n, kernel: k, stride: s, padBefore: before, padAfter: after)
        }
        return (size(height, kernel.h, stride.h, padding.top, padding.bottom), size(width, kernel.w, stride.w, padding.left, padding.right))
    }
}

extension Conv2D {
    // (C, H, W) -> (K, (H + pt + pb - ext) / s + 1, ...)
    func outputShape(_ x: (c: Int, h: Int, w: Int), inputs: [Shape], node: String) throws(GraphError) -> Shape {
        let ws = weight.shape
        guard ws.rank == 4, groups > 0, ws[0] % groups == 0, x.c == ws[1] * groups else {
            throw .badParameter(node: node, detail: "weight \(ws) with groups=\(groups) does not take \(x.c) channels")
        }
        if let bias, bias.shape != [ws[0]] { throw .badParameter(node: node, detail: "bias \(bias.shape), expected [\(ws[0])]") }
        guard stride.h > 0, stride.w > 0, dilation.h > 0, dilation.w > 0 else {
            throw .badParameter(node: node, detail: "stride and dilation must be positive")
        }
        let h = windowOutputSize(x.h, kernel: ws[2], stride: stride.h, dilation: dilation.h, padBefore: padding.top, padAfter: padding.bottom)
        let w = windowOutputSize(x.w, kernel: ws[3], stride: stride.w, dilation: dilation.w, padBefore: padding.left, padAfter: padding.right)
        guard h > 0, w > 0 else { throw .shapeMismatch(node: node, detail: "kernel larger than the padded input \(inputs[0])") }
        let out: Shape = [ws[0], h, w]
        let residuals = postOps.filter { $0 == .residualAdd }.count
        guard residuals == inputs.count - 1, residuals <= 1 else {
            throw .malformed("\(node): \(residuals) residual post-ops but \(inputs.count) inputs")
        }
        if residuals == 1, inputs[1] != out {
            throw .shapeMismatch(node: node, detail: "residual \(inputs[1]) does not match the output \(out)")
        }
        return out
    }
}

extension Graph {
    /// The same graph for input images of `height` x `width`, with every shape recomputed.
    public func withInputSize(height: Int, width: Int) throws(GraphError) -> Graph {
        var copy = self
        copy.nodes[0].shape = [inputShape[0], height, width]
        for i in copy.nodes.indices.dropFirst() {
            let node = copy.nodes[i]
            copy.nodes[i].shape = try node.op.outputShape(node.inputs.map { copy.nodes[$0.index].shape }, node: node.name)
        }
        return copy
    }
}
