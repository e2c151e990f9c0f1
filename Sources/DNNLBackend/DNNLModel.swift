import CDNNL
import InferenceGraph

/// A graph compiled by ``DNNLBackend``: one plan per batch size, built on first use and kept.
///
/// A final partial batch gets its own plan (primitives are shape-specialized); runs at a size seen
/// before allocate nothing.
public final class DNNLModel: CompiledModel {
    public let graph: Graph
    public let options: DNNLBackend.Options
    /// The precision actually used (bf16 falls back to fp32 without hardware support).
    public let precision: Precision
    private let engine: dnnl_engine_t
    private let stream: dnnl_stream_t
    private var plans: [Int: Plan] = [:]
    private let constants = ConstantStore()

    init(graph: Graph, options: DNNLBackend.Options, precision: Precision) throws {
        self.graph = graph
        self.options = options
        self.precision = precision
        self.engine = try DNNL.engineCreate()
        do { self.stream = try DNNL.streamCreate(engine) } catch {
            DNNL.engineDestroy(engine)
            throw error
        }
    }

    deinit {
        plans.removeAll()
        constants.release()
        DNNL.streamDestroy(stream)
        DNNL.engineDestroy(engine)
    }

    /// Builds (once) the plan for `batchSize`.
    @discardableResult
    func prepare(batchSize: Int) throws -> Plan {
        if let plan = plans[batchSize] { return plan }
        applyThreadCount()
        let builder = PlanBuilder(
            graph: graph, batchSize: batchSize, engine: engine, stream: stream, precision: precision, options: options,
            constants: constants)
        let plan = try builder.build()
        plans[batchSize] = plan
        let kernels = Self.tally(plan.implementations.map(\.implementation))
        let memory = "activations \(plan.activationBytes >> 20) MiB, scratchpad \(plan.scratchpadBytes >> 20) MiB"
        let layers = Self.layerPrecisions(plan).summary
        let conversions = "\(plan.conversions.count) type conversion\(plan.conversions.count == 1 ? "" : "s")"
        if !plan.conversions.isEmpty { DNNLBackend.logger.debug("type conversions: \(plan.conversions.joined(separator: ", "))") }
        DNNLBackend.logger.info("plan for batch \(batchSize): \(plan.steps.count) primitives, \(kernels); \(layers), \(conversions); \(memory)")
        return plan
    }

    public func run(input: UnsafeBufferPointer<Float>, batchSize: Int, output: UnsafeMutableBufferPointer<Float>) throws {
        try validate(inputCount: input.count, outputCount: output.count, batchSize: batchSize)
        let plan = try prepare(batchSize: batchSize)
        applyThreadCount()
        try plan.execute(input: input, output: output, stream: stream)
    }

    /// "jit_1x1:avx2 ×104, jit:avx2 ×53, ...", most used first.
    public static func tally(_ implementations: [String]) -> String {
        let counts = Dictionary(implementations.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    /// The implementation oneDNN picked for each primitive at `batchSize` ("brgconv:avx2", "jit:avx2", ...).
    public func steps(batchSize: Int) throws -> [(step: String, implementation: String)] {
        try prepare(batchSize: batchSize).implementations
    }

    /// "conv1: brgconv:avx2" for each primitive at `batchSize`.
    public func implementations(batchSize: Int) throws -> [String] {
        try steps(batchSize: batchSize).map { "\($0.step): \($0.implementation)" }
    }

    /// The data type each convolution and inner product computes in at `batchSize`, read from its primitive.
    public func layerPrecisions(batchSize: Int) throws -> LayerPrecisions {
        Self.layerPrecisions(try prepare(batchSize: batchSize))
    }

    /// The run-time reorders at `batchSize` that convert between data types (f32 and bf16), by label.
    public func typeConversions(batchSize: Int) throws -> [String] { try prepare(batchSize: batchSize).conversions }

    private static func layerPrecisions(_ plan: Plan) -> LayerPrecisions {
        LayerPrecisions(plan.layerTypes.map { .init(name: $0.layer, precision: name(of: $0.type)) })
    }

    /// The precision's name for a oneDNN data type (`fp32`, `bf16`, `int8` for s8 and u8).
    static func name(of type: dnnl_data_type_t) -> String {
        switch type {
        case dnnl_f32: "fp32"
        case dnnl_bf16: "bf16"
        case dnnl_f16: "fp16"
        case dnnl_s8, dnnl_u8: "int8"
        default: "dnnl_data_type \(type.rawValue)"
        }
    }

    /// Bytes of weights and other constants, in the layouts the primitives use; shared by every plan.
    public var constantBytes: Int { constants.bytes }

    /// OpenMP's team size is per calling thread, so it is set on the thread that runs.
    private func applyThreadCount() {
        if let threads = options.threads { DNNL.setThreadCount(threads) }
    }
}
