import Foundation
import TensorCore

// MARK: - Optimization passes
//
// Each pass scans the nodes once, in order. When node j absorbs its producer i (a convolution read
// by j alone), the merged convolution takes j's place and i is dropped: j comes after i and after
// every other operand of j, so the order stays topological, and every other value keeps its readers.
// No rule merges anything into a concat, or a concat into its reader: a convolution feeding a concat keeps
// its own output (and a batch norm after a concat stays a batch norm).

extension Graph {
    /// Folds batch norms and constant per-channel scales into the preceding convs, then fuses activations
    /// and residual adds into convs, and drops the constants nothing reads any more.
    public func optimized() -> Graph { foldingBatchNorm().foldingChannelScale().fusingPostOps().droppingUnread() }

    /// Folds each batch norm that follows a convolution (read by nothing else) into its weights and bias.
    ///
    /// `w' = w * s`, `b' = (b - mean) * s + beta` with `s = gamma / sqrt(var + eps)` per output channel.
    public func foldingBatchNorm() -> Graph {
        rewriting { node, producer in
            guard case .batchNorm(let bn) = node.op, case .conv2d(var conv) = producer.op, conv.postOps.isEmpty else {
                return nil
            }
            conv.fold(bn)
            return (.conv2d(conv), [])
        }
    }

    /// Folds a constant `(K, 1, 1)` factor that multiplies a convolution's result (ConvNeXt's layer scale) into
    /// its weights and bias.
    public func foldingChannelScale() -> Graph {
        rewriting { node, producer in
            guard case .mul = node.op, case .conv2d(var conv) = producer.op, conv.postOps.isEmpty,
                case .constant(let scale) = self[node.inputs[1]].op, scale.shape == [conv.outChannels, 1, 1]
            else { return nil }
            conv.scaleOutputChannels(by: scale.scalars)
            return (.conv2d(conv), [])
        }
    }

    /// Fuses activations, and adds of a convolution's or linear layer's result to another value, into the layer.
    ///
    /// `relu(conv(x) + r)` becomes one conv with post-ops `[residualAdd, relu]` reading `x` and `r`; a transformer's
    /// `gelu(linear(x))` and `r + linear(x)` one linear layer each. A residual add fuses only as the first post-op:
    /// `conv -> silu -> + r` (EfficientNetV2's fused blocks) keeps its add, because an accumulating sum after an
    /// activation has no JIT convolution in oneDNN 2.6 on AVX2 (only `ref:any`).
    public func fusingPostOps() -> Graph {
        rewriting { node, producer in
            guard let postOps = producer.op.postOps else { return nil }
            switch node.op {
            case .activation(let a):
                return producer.op.appending(.activation(a)).map { ($0, []) }
            case .add where postOps.isEmpty && self[node.inputs[1]].shape == node.shape:
                return producer.op.appending(.residualAdd).map { ($0, [node.inputs[1]]) }
            default:
                return nil
            }
        }
    }

    /// Runs one fusion rule over the graph.
    ///
    /// `rule(node, producer)` returns the merged op and the extra operands it reads after the producer's
    /// own, or nil to keep `node`. For a binary node, its operands are tried in turn as the producer (the
    /// other one passed as `node.inputs[1]`).
    private func rewriting(_ rule: (Node, Node) -> (Op, [ValueID])?) -> Graph {
        let counts = consumerCounts()
        var work: [Node?] = nodes
        for j in work.indices {
            guard let node = work[j] else { continue }
            for (slot, operand) in node.inputs.enumerated() where counts[operand.index] == 1 {
                guard let producer = work[operand.index] else { continue }
                var view = node
                if node.inputs.count == 2 { view.inputs = [operand, node.inputs[1 - slot]] }
                guard let (op, extra) = rule(view, producer) else { continue }
                work[j] = Node(name: producer.name + "+" + node.name, op: op, inputs: producer.inputs + extra, shape: node.shape)
                work[operand.index] = nil
                break
            }
        }
        return compacting(work)
    }

    /// The graph without the nodes whose value nothing reads (constants left behind by folding).
    public func droppingUnread() -> Graph {
        var counts = consumerCounts()
        var work: [Node?] = nodes
        for i in work.indices.reversed() where counts[i] == 0 {
            if case .input = nodes[i].op { continue }
            for input in nodes[i].inputs { counts[input.index] -= 1 }
            work[i] = nil
        }
        return compacting(work)
    }

    /// Drops removed nodes and renumbers the values.
    private func compacting(_ work: [Node?]) -> Graph {
        var newIndex = [Int](repeating: -1, count: work.count)
        var kept: [Node] = []
        for (i, node) in work.enumerated() {
            guard var node else { continue }
            node.inputs = node.inputs.map { ValueID(newIndex[$0.index]) }
            newIndex[i] = kept.count
            kept.append(node)
        }
        return Graph(nodes: kept, output: ValueID(newIndex[output.index]))
    }
}

extension Conv2D {
    /// Scales the weights and shifts the bias so that the conv computes `bn(conv(x))`.
    mutating func fold(_ bn: BatchNorm) {
        let scales = (0..<outChannels).map { o in bn.gamma.scalars[o] / (bn.variance.scalars[o] + bn.epsilon).squareRoot() }
        let b = bias?.scalars ?? [Float](repeating: 0, count: outChannels)
        scaleOutputChannels(by: scales)
        bias = Tensor(shape: [outChannels], scalars: (0..<outChannels).map { o in (b[o] - bn.mean.scalars[o]) * scales[o] + bn.beta.scalars[o] })
    }

    /// Makes the conv compute `conv(x) * scales[k]` for each output channel `k`.
    mutating func scaleOutputChannels(by scales: [Float]) {
        let perChannel = weight.shape.elementCount / outChannels
        for o in 0..<outChannels {
            for i in o * perChannel..<(o + 1) * perChannel { weight.scalars[i] *= scales[o] }
        }
        if var b = bias {
            for o in 0..<outChannels { b.scalars[o] *= scales[o] }
            bias = b
        }
    }
}
