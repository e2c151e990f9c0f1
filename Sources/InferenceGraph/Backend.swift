import TensorCore

/// Something that can run graphs: the engine depends on this protocol only, never on a backend.
///
/// ```
///            supports(node)?          compile(graph, batchSize)           run(input, output)
///  Graph ───────────────────► Backend ─────────────────────────► CompiledModel ─────────────►
/// ```
/// Like ONNX Runtime's execution providers, a backend says what it can run separately from how it
/// builds it, so a caller can check a graph (and explain a refusal) before compiling.
public protocol Backend: Sendable {
    /// A short name for logs ("reference", "onednn").
    var name: String { get }

    /// Whether this backend can run `node` of `graph`.
    func supports(_ node: Node, in graph: Graph) -> Bool

    /// Prepares `graph` for batches of `batchSize` images (other sizes may be compiled lazily).
    func compile(_ graph: Graph, batchSize: Int) throws -> any CompiledModel
}

/// A graph ready to run; not safe to run from two threads at once.
public protocol CompiledModel: AnyObject {
    /// The graph this model runs.
    var graph: Graph { get }

    /// Runs `batchSize` images: `input` is `(N, C, H, W)` NCHW float32, `output` `(N, outputShape...)`.
    func run(input: UnsafeBufferPointer<Float>, batchSize: Int, output: UnsafeMutableBufferPointer<Float>) throws

    /// The precision the model actually runs in (a backend may fall back, e.g. bf16 without hardware support).
    var precision: Precision { get }

    /// The kernel each step runs at `batchSize`, as "step: implementation" lines, for logs and `bench`;
    /// empty for a backend with nothing to say.
    func implementations(batchSize: Int) throws -> [String]

    /// The precision each convolution and linear layer runs in at `batchSize`, as built; empty for a
    /// backend with nothing to say.
    func layerPrecisions(batchSize: Int) throws -> LayerPrecisions
}

/// Numeric precision a backend compiles a graph for; the graph itself never changes with it.
public enum Precision: String, Sendable, CaseIterable {
    /// float32 throughout: PyTorch-exact within 1e-4.
    case fp32
    /// bf16 activations and weights with f32 accumulation, where the CPU runs bf16 natively.
    case bf16
    /// int8 convolutions and linear layers (u8/s8 inputs, s8 weights, s32 accumulation) with scales from a
    /// ``Calibration``; depthwise convolutions, the head and the weightless ops stay float: bf16 where the CPU has it
    /// natively and only weightless steps and the head are left, else fp32.
    case int8
}

extension Backend {
    /// The nodes this backend cannot run, as errors; empty when the whole graph is supported.
    public func unsupportedNodes(of graph: Graph) -> [GraphError] {
        graph.nodes.filter { !supports($0, in: graph) }.map {
            .unsupported(node: $0.name, backend: name, detail: "\($0.op.kind) with these parameters")
        }
    }
}

extension CompiledModel {
    public var precision: Precision { .fp32 }
    public func implementations(batchSize: Int) throws -> [String] { [] }
    public func layerPrecisions(batchSize: Int) throws -> LayerPrecisions { LayerPrecisions() }

    /// Checks buffer sizes against the graph for `batchSize` images.
    public func validate(inputCount: Int, outputCount: Int, batchSize: Int) throws(GraphError) {
        let inputNeeded = batchSize * graph.inputShape.elementCount
        let outputNeeded = batchSize * graph.outputShape.elementCount
        guard batchSize > 0, inputCount == inputNeeded, outputCount == outputNeeded else {
            throw .badBuffer(
                "batch of \(batchSize) needs \(inputNeeded) input and \(outputNeeded) output floats, got \(inputCount) and \(outputCount)")
        }
    }

    /// Convenience for tests and small jobs: runs an array and returns a new array.
    public func run(_ input: [Float], batchSize: Int) throws -> [Float] {
        var output = [Float](repeating: 0, count: batchSize * graph.outputShape.elementCount)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { y in try run(input: x, batchSize: batchSize, output: y) }
        }
        return output
    }
}
