import TensorCore

/// Cutting a classifier into its feature extractor and its head, for embeddings.
///
/// ```
///  input ─► ... ─► features [F] ─► linear ─► logits [classes]
///  └──────── body ────────────┘   └── head ──┘
/// ```
/// The features are what torchvision's `model.fc = nn.Identity()` (ResNet) or
/// `model.classifier[-1] = nn.Identity()` (EfficientNet) returns: the input of the final linear layer.
extension Graph {
    /// The graph up to the head's input, and the head as a graph of its own whose input is the features.
    ///
    /// - Throws: ``GraphError/noHead(_:)`` when the output is not a linear layer over a flat vector.
    public func splitHead() throws(GraphError) -> (body: Graph, head: Graph) {
        let last = self[output]
        guard case .linear = last.op, let features = last.inputs.first, self[features].shape.rank == 1 else {
            throw .noHead("the output \(last.name) is a \(last.op.kind), not a linear layer over pooled features")
        }
        let body = Graph(nodes: Array(nodes[...features.index]), output: features)
        let input = Node(name: "features", op: .input(name: "features"), inputs: [], shape: self[features].shape)
        var linear = last
        linear.inputs = [ValueID(0)]
        return (body, Graph(nodes: [input, linear], output: ValueID(1)))
    }
}
