import CDNNL
import Foundation
import InferenceGraph
import Logging
import TensorCore

/// Runs graphs on the CPU with oneDNN 2.6: blocked layouts, JIT kernels, fused post-ops.
///
/// ```
///  Graph ─► optimized() ─► PlanBuilder (per batch size) ─► Plan: [reorder] conv conv pool ... ip [reorder]
///           fold BN,        descs with format_tag_any,      weights reordered once, buffers reused,
///           fuse post-ops   layouts kept between layers      one scratchpad
/// ```
/// Compiling folds batch norms and fuses activations and residual adds first, so a graph written
/// the PyTorch way runs as few primitives as possible.
public struct DNNLBackend: Backend {
    /// What to do when oneDNN would run a convolution with a `ref:` implementation.
    public enum ReferencePolicy: Sendable {
        case refuse, warn
    }

    public struct Options: Sendable {
        /// bf16 needs AVX512-BF16 (else fp32 with a warning); int8 needs ``calibration``.
        public var precision: Precision
        /// The int8 scales of the graph's layers (for `.int8`).
        public var calibration: Calibration?
        /// OpenMP threads for each run; nil leaves OpenMP's default (OMP_NUM_THREADS or all cores).
        public var threads: Int?
        public var referenceImplementations: ReferencePolicy

        public init(
            precision: Precision = .fp32, calibration: Calibration? = nil, threads: Int? = nil, referenceImplementations: ReferencePolicy = .refuse
        ) {
            self.precision = precision
            self.calibration = calibration
            self.threads = threads
            self.referenceImplementations = referenceImplementations
        }
    }

    public let name = "onednn"
    public let options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Everything but adaptive pooling whose output does not divide the input (variable windows), and
    /// ceil-mode average pooling counting padding whose last window overhangs the padding (PyTorch's divisor
    /// shrinks there, oneDNN's does not).
    public func supports(_ node: Node, in graph: Graph) -> Bool {
        switch node.op {
        case .adaptiveAvgPool(let h, let w):
            let x = graph[node.inputs[0]].shape
            return x[1] % h == 0 && x[2] % w == 0
        case .avgPool(let pool, countIncludePad: true):
            return !pool.overhangs(input: graph[node.inputs[0]].shape, output: node.shape)
        default:
            return true
        }
    }

    public func compile(_ graph: Graph, batchSize: Int) throws -> any CompiledModel {
        if let first = unsupportedNodes(of: graph).first { throw first }
        let optimized = graph.optimized()
        if options.precision == .int8 { try Self.checkCalibration(options.calibration, of: optimized) }
        let model = try DNNLModel(graph: optimized, options: options, precision: Self.effectivePrecision(options.precision))
        try model.prepare(batchSize: batchSize)
        return model
    }

    // MARK: - CPU capabilities

    /// Whether oneDNN's dispatcher reaches AVX512-BF16 on this CPU.
    public static var hasNativeBF16: Bool {
        let bf16 = dnnl_cpu_isa_avx512_core_bf16.rawValue
        return DNNL.effectiveISA().rawValue & bf16 == bf16
    }

    /// Whether oneDNN's int8 kernels have VNNI's exact u8 x s8 dot products here (AVX-512 VNNI, AVX-VNNI, AMX).
    public static var hasVNNI: Bool {
        let isa = DNNL.effectiveISA().rawValue
        return [dnnl_cpu_isa_avx512_core_vnni, dnnl_cpu_isa_avx2_vnni].contains { isa & $0.rawValue == $0.rawValue }
    }

    /// Whether oneDNN's dispatcher reaches AVX-512 (`avx512_core`) on this CPU.
    static var hasAVX512: Bool {
        let avx512 = dnnl_cpu_isa_avx512_core.rawValue
        return DNNL.effectiveISA().rawValue & avx512 == avx512
    }

    /// Whether oneDNN's dispatcher reaches AMX (`avx512_core_amx`: bf16 and int8 tiles) on this CPU.
    static var hasAMX: Bool {
        let amx = dnnl_cpu_isa_avx512_core_amx.rawValue
        return DNNL.effectiveISA().rawValue & amx == amx
    }

    /// The instruction set oneDNN dispatches to, by name (`avx2`, `avx512_core`, `avx512_core_bf16`,
    /// `avx512_core_amx`, ...), as its kernels' names spell it.
    public static var isaDescription: String {
        let isa = DNNL.effectiveISA().rawValue
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"), (dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"),
            (dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"), (dnnl_cpu_isa_avx512_core, "avx512_core"),
            (dnnl_cpu_isa_avx2_vnni, "avx2_vnni"), (dnnl_cpu_isa_avx2, "avx2"), (dnnl_cpu_isa_avx, "avx"),
            (dnnl_cpu_isa_sse41, "sse41"),
        ]
        return names.first { isa & $0.0.rawValue == $0.0.rawValue && $0.0.rawValue != 0 }?.1 ?? "dnnl_cpu_isa 0x" + String(isa, radix: 16)
    }

    /// The precisions this CPU runs natively, fastest last (`fp32`, then `bf16` with AVX512-BF16 or AMX).
    /// int8 runs on every CPU oneDNN supports: fastest with VNNI; without it some layers stay fp32.
    public static var nativePrecisions: [Precision] { hasNativeBF16 ? [.fp32, .bf16, .int8] : [.fp32, .int8] }

    /// int8 needs scales for this graph's layers. A layer the calibration leaves out runs in fp32 (so a layer
    /// can be kept exact by deleting its entry); a calibration that names none of them belongs to another graph.
    static func checkCalibration(_ calibration: Calibration?, of graph: Graph) throws {
        guard let calibration else { throw DNNLError.calibration("--precision int8 needs --calibration FILE") }
        let names = graph.quantizableNodes().map { graph[$0].name }
        guard names.contains(where: { calibration.layers[$0] != nil }) else {
            throw DNNLError.calibration("the calibration (\(calibration.model)) has scales for none of this graph's \(names.count) int8 layers")
        }
    }

    /// `requested`, or fp32 with a warning when bf16 has no hardware support here.
    static func effectivePrecision(_ requested: Precision) -> Precision {
        guard requested == .bf16, !hasNativeBF16 else { return requested }
        warn("bf16 requested but this CPU lacks AVX512-BF16 (\(isaDescription)); running fp32")
        return .fp32
    }

    /// Warnings (bf16 falling back, reference kernels) and, at debug level, the implementation oneDNN
    /// picked for every primitive of every plan.
    static let logger = Logger(label: "batchvision.onednn")

    static func warn(_ message: String) { logger.warning("\(message)") }
}
