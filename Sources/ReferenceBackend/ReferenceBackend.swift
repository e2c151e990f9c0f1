import InferenceGraph
import TensorCore

/// Runs graphs with plain Swift loops: slow, obvious, and the oracle for every fast backend.
///
/// Every op is a direct transcription of PyTorch's definition over NCHW arrays, with no fusion
/// tricks beyond applying a convolution's post-ops in order. Keep tensors small in debug builds.
public struct ReferenceBackend: Backend {
    public let name = "reference"

    public init() {}

    public func supports(_ node: Node, in graph: Graph) -> Bool { true }

    public func compile(_ graph: Graph, batchSize: Int) throws -> any CompiledModel {
        ReferenceModel(graph: graph)
    }
}

/// A graph evaluated node by node by ``ReferenceBackend``.
public final class ReferenceModel: CompiledModel {
    public let graph: Graph

    init(graph: Graph) { self.graph = graph }

    public func run(input: UnsafeBufferPointer<Float>, batchSize: Int, output: UnsafeMutableBufferPointer<Float>) throws {
        try validate(inputCount: input.count, outputCount: output.count, batchSize: batchSize)
        let values = evaluateAll(Batch(n: batchSize, shape: graph.inputShape, data: Array(input)))
        _ = output.initialize(from: values[graph.output.index].data)
    }

    /// Every node's output for `input`, indexed by value: the per-layer activations tests compare.
    public func evaluateAll(_ input: Batch) -> [Batch] {
        var values: [Batch] = []
        values.reserveCapacity(graph.nodes.count)
        for node in graph.nodes {
            let operands = node.inputs.map { values[$0.index] }
            if case .input = node.op { values.append(input) } else { values.append(Self.evaluate(node, operands)) }
        }
        return values
    }

    // MARK: - Dispatch

    static func evaluate(_ node: Node, _ x: [Batch]) -> Batch {
        let out = Batch(n: x[0].n, shape: node.shape, data: [])
        switch node.op {
        case .input: return x[0]
        case .conv2d(let conv): return convolve(x[0], conv, residual: x.count > 1 ? x[1] : nil, into: out)
        case .batchNorm(let bn): return batchNorm(x[0], bn)
        case .activation(let a): return x[0].map(a.apply)
        case .add: return x[0].zip(x[1], +)
        case .mul: return multiply(x[0], x[1])
        case .concat: return concat(x, into: out)
        case .maxPool(let pool): return maxPool(x[0], pool, into: out)
        case .avgPool(let pool, let includePad): return avgPool(x[0], pool, countIncludePad: includePad, into: out)
        case .adaptiveAvgPool: return adaptiveAvgPool(x[0], into: out)
        case .flatten: return Batch(n: x[0].n, shape: node.shape, data: x[0].data)
        case .linear(let linear): return fullyConnected(x[0], linear, into: out)
        }
    }
}

/// A batch of activations: `n` images of `shape`, NCHW row-major.
public struct Batch: Sendable {
    public var n: Int
    public var shape: Shape
    public var data: [Float]

    public init(n: Int, shape: Shape, data: [Float]) {
        (self.n, self.shape, self.data) = (n, shape, data)
    }

    func map(_ f: (Float) -> Float) -> Batch { Batch(n: n, shape: shape, data: data.map(f)) }

    func zip(_ other: Batch, _ f: (Float, Float) -> Float) -> Batch {
        Batch(n: n, shape: shape, data: Swift.zip(data, other.data).map(f))
    }
}
