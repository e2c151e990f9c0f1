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
            if case .input = node.op { values.append(input) } else { values.append(Self.evaluate(node, operands, batchSize: input.n)) }
        }
        return values
    }

    // MARK: - Dispatch

    static func evaluate(_ node: Node, _ operands: [Batch], batchSize: Int) -> Batch {
        // A constant is one image's tensor; an op reading it sees it repeated for every image, except a
        // broadcasting add or mul, which reads it once.
        let broadcasts = node.op == .add || node.op == .mul
        let x = operands.enumerated().map { i, v in v.n == batchSize || (broadcasts && i == 1) ? v : v.repeated(batchSize) }
        let out = Batch(n: batchSize, shape: node.shape, data: [])
        switch node.op {
        case .input: return x[0]
        case .conv2d(let conv): return convolve(x[0], conv, residual: x.count > 1 ? x[1] : nil, into: out)
        case .batchNorm(let bn): return batchNorm(x[0], bn)
        case .activation(let a): return x[0].map(a.apply)
        case .add: return broadcasting(x[0], x[1], +)
        case .mul: return broadcasting(x[0], x[1], *)
        case .concat(let axis): return concat(x, axis: axis, into: out)
        case .constant(let t): return Batch(n: 1, shape: t.shape, data: t.scalars)
        case .layerNorm(let ln): return layerNorm(x[0], ln)
        case .matmul(let mm): return matmul(x[0], x[1], mm, into: out)
        case .softmax: return softmax(x[0])
        case .l2Normalize: return l2Normalize(x[0])
        case .reshape: return Batch(n: x[0].n, shape: node.shape, data: x[0].data)
        case .permute(let order): return permute(x[0], order, into: out)
        case .slice(let s): return slice(x[0], s, into: out)
        case .maxPool(let pool): return maxPool(x[0], pool, into: out)
        case .avgPool(let pool, let includePad): return avgPool(x[0], pool, countIncludePad: includePad, into: out)
        case .adaptiveAvgPool: return adaptiveAvgPool(x[0], into: out)
        case .linear(let linear): return fullyConnected(x[0], linear, residual: x.count > 1 ? x[1] : nil, into: out)
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

    /// A single image's batch repeated `count` times.
    func repeated(_ count: Int) -> Batch {
        Batch(n: count, shape: shape, data: Array([[Float]](repeating: data, count: count).joined()))
    }
}
