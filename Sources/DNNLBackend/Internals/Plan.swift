import CDNNL
import InferenceGraph

/// One primitive of a plan with its arguments bound to memories that live as long as the plan.
struct Step {
    let label: String
    let primitive: dnnl_primitive_t
    var args: [dnnl_exec_arg_t]
}

/// A graph made ready for one batch size: primitives, memories and buffers, all created at compile.
///
/// ```
///  user NCHW f32 ─► [reorder] ─► conv ─► conv ─► ... ─► inner product ─► [reorder] ─► user (N, classes)
///                    step 0      blocked layouts chosen by oneDNN flow between steps unchanged
/// ```
/// A run only points the input and output memories at the caller's buffers and submits the steps;
/// it allocates nothing.
final class Plan {
    let batchSize: Int
    var steps: [Step] = []
    /// What oneDNN picked for each step, in execution order.
    var implementations: [(step: String, implementation: String)] = []
    /// The data type each convolution and inner product computes in, as its primitive descriptor fixed its
    /// source: what a run really does, whatever precision was asked for.
    var layerTypes: [(layer: String, type: dnnl_data_type_t)] = []
    /// The run-time reorders that convert a data type (f32 to bf16 and back), by label: in bf16 only the
    /// graph's input and output should need one.
    var conversions: [String] = []
    /// The largest scratchpad any step needs; one buffer of this size serves them all.
    var scratchpadBytes = 0
    var input: dnnl_memory_t?
    var output: dnnl_memory_t?
    /// Bytes of activation buffers (after reuse), for logs.
    var activationBytes = 0

    // MARK: Owned resources, released in deinit
    var primitives: [dnnl_primitive_t] = []
    var memories: [dnnl_memory_t] = []
    var buffers: [UnsafeMutableRawPointer] = []

    init(batchSize: Int) { self.batchSize = batchSize }

    deinit {
        for primitive in primitives { DNNL.primitiveDestroy(primitive) }
        for memory in memories { DNNL.memoryDestroy(memory) }
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs every step on `stream` from `input` (NCHW f32) into `output`, and waits.
    func execute(input x: UnsafeBufferPointer<Float>, output y: UnsafeMutableBufferPointer<Float>, stream: dnnl_stream_t) throws {
        guard let input, let output else { throw DNNLError.call(function: "plan (not built)", status: -1) }
        try DNNL.setHandle(input, UnsafeMutableRawPointer(mutating: x.baseAddress))
        try DNNL.setHandle(output, UnsafeMutableRawPointer(y.baseAddress))
        for step in steps {
            try step.args.withUnsafeBufferPointer { args in try DNNL.execute(step.primitive, stream, args) }
        }
        try DNNL.streamWait(stream)
    }
}

/// Hands out activation buffers, reusing those whose values are dead.
struct Arena {
    private(set) var capacities: [Int] = []
    private var free: [Int] = []

    /// A buffer index with at least `bytes`: the smallest free one that fits, or a new one (`isNew`).
    mutating func acquire(_ bytes: Int) -> (index: Int, isNew: Bool) {
        let fits = free.filter { capacities[$0] >= bytes }
        if let best = fits.min(by: { capacities[$0] < capacities[$1] }) {
            free.removeAll { $0 == best }
            return (best, false)
        }
        capacities.append(bytes)
        return (capacities.count - 1, true)
    }

    mutating func release(_ index: Int) { free.append(index) }
}
