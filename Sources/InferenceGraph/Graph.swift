import TensorCore

/// Names one value of a graph: the output of the node at `index`.
public struct ValueID: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public var description: String { "%\(index)" }
}

/// One node: an op, its operands, and the shape of its output for ONE image (no batch dimension).
public struct Node: Sendable, Equatable {
    public var name: String
    public var op: Op
    public var inputs: [ValueID]
    /// `[C, H, W]` for images, `[T, D]` for token sequences, `[F]` for pooled features and logits.
    public var shape: Shape

    /// The value a fused residual sum adds (a convolution's or linear layer's second input), or nil.
    public var residual: ValueID? { op.postOps?.contains(.residualAdd) == true ? inputs[1] : nil }
}

/// A dataflow graph in topological order: every node's inputs come earlier than the node.
///
/// ```
///  input ─► conv2d ─► batchNorm ─► relu ─► ... ─► flatten ─► linear ─► output
///               └──────────── residual ───────────► add ─┘
/// ```
/// Node `i` produces value `ValueID(i)`. The graph has one input (node 0) and one output. Shapes
/// are per image; the batch size is chosen when a backend compiles the graph.
public struct Graph: Sendable, Equatable {
    public var nodes: [Node]
    public var output: ValueID

    public init(nodes: [Node], output: ValueID) {
        self.nodes = nodes
        self.output = output
    }

    public subscript(value: ValueID) -> Node { nodes[value.index] }

    /// The shape of one input image, `[C, H, W]`.
    public var inputShape: Shape { nodes[0].shape }

    /// The shape of one output row.
    public var outputShape: Shape { self[output].shape }

    /// How many nodes read each value (the graph output counts as one reader).
    public func consumerCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: nodes.count)
        for node in nodes { for input in node.inputs { counts[input.index] += 1 } }
        counts[output.index] += 1
        return counts
    }

    /// For each value, the index of the last node that reads it (`nodes.count` for the graph output).
    public func lastUses() -> [Int] {
        var last = Array(0..<nodes.count)
        for (i, node) in nodes.enumerated() { for input in node.inputs { last[input.index] = i } }
        last[output.index] = nodes.count
        return last
    }

    /// Counts nodes by kind ("conv2d": 3, ...), handy in tests and logs.
    public func histogram() -> [String: Int] {
        nodes.reduce(into: [:]) { $0[$1.op.kind, default: 0] += 1 }
    }
}
