import CDNNL
import Foundation
import InferenceGraph
import TensorCore

/// Turns a graph into a ``Plan`` for one batch size, node by node.
///
/// Each graph value gets a `Slot`: the layout its producer chose and a memory over an arena buffer.
/// Consumers take that layout as it is when they can (pooling, eltwise, binary, batch norm), and
/// reorder only when a primitive asked for another one (see ``source(_:as:)``). A buffer goes back
/// to the arena after the value's last reader, and an eltwise, binary or residual sum writes in place
/// into an operand that dies with it.
final class PlanBuilder {
    struct Slot {
        var md: dnnl_memory_desc_t
        var memory: dnnl_memory_t
        /// The arena buffer, or nil for the caller's input buffer.
        var buffer: Int?
    }

    let graph: Graph
    let n: Int
    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    /// The data type of convolution and inner-product activations and weights (f32 or bf16).
    let computeType: dnnl_data_type_t
    /// The head's node index (see ``head(of:)``).
    let head: Int?
    /// Whether convolutions ask for 16-channel blocks (see ``prefersBlockedActivations(_:)``).
    let blockedActivations: Bool
    /// The model's precision (int8 quantizes the convolutions and linear layers its calibration has scales for).
    let precision: Precision
    let options: DNNLBackend.Options
    let plan: Plan
    /// Weights and other constants, owned by the model and shared between its plans.
    let constants: ConstantStore
    private var constantsOfCurrentNode = 0

    private var slots: [Slot?]
    private let lastUse: [Int]
    /// The nodes that read each value.
    let readers: [[Int]]
    /// The values written as integers (by an int8 convolution, or a max pool of such), with the scale that turns
    /// them back into reals. Readers go by this, not by ``int8Output(of:)``'s promise.
    var quantizedScales: [Int: Float] = [:]
    private var arena = Arena()
    /// Arena buffer `i` (also owned by the plan).
    private(set) var arenaBuffers: [UnsafeMutableRawPointer] = []
    var temporaries: [Int] = []
    private var scratchpads: [(step: Int, md: dnnl_memory_desc_t)] = []
    private(set) var current = 0

    init(
        graph: Graph, batchSize: Int, engine: dnnl_engine_t, stream: dnnl_stream_t, precision: Precision,
        options: DNNLBackend.Options, constants: ConstantStore
    ) {
        self.precision = precision
        self.computeType = Self.floatType(precision, graph, options.calibration)
        self.head = Self.head(of: graph)
        self.blockedActivations = Self.prefersBlockedActivations(precision)
        self.graph = graph
        self.constants = constants
        self.n = batchSize
        self.engine = engine
        self.stream = stream
        self.options = options
        self.plan = Plan(batchSize: batchSize)
        self.slots = Array(repeating: nil, count: graph.nodes.count)
        self.lastUse = graph.lastUses()
        var readers = Array(repeating: [Int](), count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() { for input in Set(node.inputs) { readers[input.index].append(i) } }
        self.readers = readers
    }

    /// Builds every node's primitives, the output reorder, and the shared scratchpad.
    func build() throws -> Plan {
        for (index, node) in graph.nodes.enumerated() {
            current = index
            constantsOfCurrentNode = 0
            try add(node)
            releaseDeadValues(of: node)
        }
        try addOutput()
        try bindScratchpad()
        plan.activationBytes = arena.capacities.reduce(0, +)
        return plan
    }

    private func add(_ node: Node) throws {
        switch node.op {
        case .input: try addInput(node)
        case .conv2d(let conv):
            if let layer = int8Layer(node) {
                try addInt8Convolution(node, conv, layer)
            } else {
                try addConvolution(node, conv)
            }
        case .batchNorm(let bn): try addBatchNorm(node, bn)
        case .activation(let a): try addEltwise(node, a)
        case .add: try addBinary(node, dnnl_binary_add)
        case .mul: try addBinary(node, dnnl_binary_mul)
        case .concat(let axis): try addConcat(node, axis: axis)
        case .constant(let tensor): try addConstant(node, tensor)
        case .layerNorm(let ln): try addLayerNorm(node, ln)
        case .matmul(let mm): try addMatMul(node, mm)
        case .softmax: try addSoftmax(node)
        case .l2Normalize: try addL2Normalize(node)
        case .reshape: try addReshape(node)
        case .permute(let order): try addPermute(node, order)
        case .slice(let s): try addSlice(node, s)
        case .maxPool(let pool):
            try addPooling(node, pool, dnnl_pooling_max)
            // max commutes with quantization: integers in, the same integers out (see int8Output(of:))
            quantizedScales[current] = quantizedScales[node.inputs[0].index]
        case .avgPool(let pool, let includePad):
            try addPooling(node, pool, includePad ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding)
        case .adaptiveAvgPool: try addAdaptiveAvgPool(node)
        case .linear(let linear):
            if let layer = int8Layer(node) {
                try addInt8InnerProduct(node, linear, layer)
            } else {
                try addInnerProduct(node, linear)
            }
        }
    }

    // MARK: - Values

    /// `(N, shape...)` of a value.
    func dims(_ value: ValueID) -> [Int] { [n] + graph[value].shape.dims }

    func slot(_ value: ValueID) throws -> Slot {
        guard let slot = slots[value.index] else { throw DNNLError.call(function: "plan: value \(value) used before set", status: -1) }
        return slot
    }

    /// `value`'s memory in layout `md`: its own memory if the layouts agree, else a reorder into a temporary.
    func source(_ value: ValueID, as md: dnnl_memory_desc_t) throws -> dnnl_memory_t {
        let slot = try slot(value)
        if DNNL.equal(slot.md, md) { return slot.memory }
        let (memory, buffer) = try allocate(md)
        temporaries.append(buffer)
        try addReorder(from: slot.memory, slot.md, to: memory, md, label: "\(graph[value].name) -> \(graph.nodes[current].name)")
        return memory
    }

    /// Creates the current node's output in layout `md`, writing in place into `operand` when it dies here.
    ///
    /// With `copying`, the output starts as a copy of `operand` (the residual a sum post-op adds to), multiplied
    /// by `copyScale`, unless it could take the operand's buffer; stored as `operandType` when the sum reads it as
    /// that (s8 bits in a u8 output, or back). `readers` are the other operands of the node: the output must not
    /// overwrite them while the primitive reads them.
    func output(
        _ md: dnnl_memory_desc_t, inPlaceOf operand: ValueID?, copying: Bool = false, copyScale: Float = 1, readers: [ValueID] = [],
        operandType: dnnl_data_type_t? = nil
    ) throws -> dnnl_memory_t {
        var operandMD = md  // the operand as it lies in the output's bytes
        operandMD.data_type = operandType ?? md.data_type
        if let operand, let slot = slots[operand.index], let buffer = slot.buffer, lastUse[operand.index] == current,
            !readers.contains(operand), DNNL.equal(slot.md, operandMD)
        {
            slots[operand.index]?.buffer = nil  // ownership moves to the output
            let memory = operandType == nil ? slot.memory : try memory(md, arenaBuffers[buffer])
            slots[current] = Slot(md: md, memory: memory, buffer: buffer)
            return memory
        }
        let (memory, buffer) = try allocate(md)
        slots[current] = Slot(md: md, memory: memory, buffer: buffer)
        if copying, let operand {
            let from = try self.slot(operand)
            let to = operandType == nil ? memory : try self.memory(operandMD, arenaBuffers[buffer])
            try addReorder(from: from.memory, from.md, to: to, operandMD, scale: copyScale, label: "copy \(graph[operand].name) for sum")
        }
        return memory
    }

    /// `value` in plain row-major layout of `type` (default: its own type): its own memory, or a reordered copy.
    func plain(_ value: ValueID, _ type: dnnl_data_type_t? = nil) throws -> (memory: dnnl_memory_t, md: dnnl_memory_desc_t) {
        let md = try plainMD(dims(value), type ?? slot(value).md.data_type)
        return (try source(value, as: md), md)
    }

    /// The plain row-major descriptor of `dims`.
    func plainMD(_ dims: [Int], _ type: dnnl_data_type_t) throws -> dnnl_memory_desc_t {
        try DNNL.memoryDesc(dims, type, Self.plainTag(rank: dims.count))
    }

    /// Sets the current node's output to `value`'s elements in plain row-major order, described by `md`
    /// (same type and element count): `value`'s own buffer when it is plain already and dies here, else a copy.
    func reinterpret(_ value: ValueID, as md: dnnl_memory_desc_t) throws {
        let from = try slot(value)
        let plain = try plainMD(dims(value), from.md.data_type)
        if DNNL.equal(from.md, plain), let buffer = from.buffer, lastUse[value.index] == current {
            slots[value.index]?.buffer = nil  // ownership moves to the output
            slots[current] = Slot(md: md, memory: try memory(md, arenaBuffers[buffer]), buffer: buffer)
            return
        }
        let (copy, buffer) = try allocate(plain)
        try addReorder(from: from.memory, from.md, to: copy, plain, label: "\(graph[value].name) -> \(graph.nodes[current].name)")
        slots[current] = Slot(md: md, memory: try memory(md, arenaBuffers[buffer]), buffer: buffer)
    }

    /// A second memory object over the bytes of `memory` (laid out as `md`), described by `viewMD`: reshaped,
    /// transposed or a part. The graph input's bytes are the caller's, known only per run: it views a copy.
    func view(_ memory: dnnl_memory_t, _ md: dnnl_memory_desc_t, as viewMD: dnnl_memory_desc_t) throws -> dnnl_memory_t {
        if let handle = try DNNL.handle(memory) { return try self.memory(viewMD, handle) }
        let (copy, buffer) = try allocate(md)
        temporaries.append(buffer)
        try addReorder(from: memory, md, to: copy, md, label: "copy of the input for \(graph.nodes[current].name)")
        return try self.memory(viewMD, arenaBuffers[buffer])
    }

    /// Sets the current node's output to an existing memory.
    func setOutput(_ slot: Slot) { slots[current] = slot }

    func allocate(_ md: dnnl_memory_desc_t) throws -> (dnnl_memory_t, Int) {
        let bytes = max(DNNL.size(of: md), 64)
        let (index, isNew) = arena.acquire(bytes)
        if isNew {
            arenaBuffers.append(Buffers.allocate(bytes))
            plan.buffers.append(arenaBuffers[index])
        }
        let memory = try memory(md, arenaBuffers[index])
        return (memory, index)
    }

    /// A memory object over `handle`, destroyed with the plan.
    func memory(_ md: dnnl_memory_desc_t, _ handle: UnsafeMutableRawPointer?) throws -> dnnl_memory_t {
        let memory = try DNNL.memoryCreate(md, engine, handle)
        plan.memories.append(memory)
        return memory
    }

    private func releaseDeadValues(of node: Node) {
        for input in Set(node.inputs) where lastUse[input.index] == current {
            if let buffer = slots[input.index]?.buffer { arena.release(buffer) }
        }
        for buffer in temporaries { arena.release(buffer) }
        temporaries.removeAll()
    }

    // MARK: - Constants

    /// `scalars` (f32, plain layout `tag`) in layout `md` (default: as given), from the model's
    /// ``ConstantStore``: reordered once, now, on first use, and shared with every other plan.
    func constant(_ scalars: [Float], dims: [Int], tag: dnnl_format_tag_t, as md: dnnl_memory_desc_t? = nil) throws -> dnnl_memory_t {
        let userMD = try DNNL.memoryDesc(dims, dnnl_f32, tag)
        let key = ConstantStore.Key(node: current, ordinal: constantsOfCurrentNode)
        constantsOfCurrentNode += 1
        return try constants.constant(key, md: md ?? userMD, engine: engine) { target in
            try scalars.withUnsafeBytes { bytes in
                let source = try DNNL.memoryCreate(userMD, engine, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                defer { DNNL.memoryDestroy(source) }
                try reorderNow(from: source, userMD, to: target, md ?? userMD)
            }
        }
    }

    private func reorderNow(from src: dnnl_memory_t, _ srcMD: dnnl_memory_desc_t, to dst: dnnl_memory_t, _ dstMD: dnnl_memory_desc_t) throws {
        let attr = try DNNL.attributes(userScratchpad: false)
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.reorderDesc(srcMD, dstMD, attr, engine)
        defer { DNNL.primitiveDescDestroy(pd) }
        let primitive = try DNNL.primitiveCreate(pd)
        defer { DNNL.primitiveDestroy(primitive) }
        let args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: src), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: dst)]
        try args.withUnsafeBufferPointer { try DNNL.execute(primitive, stream, $0) }
        try DNNL.streamWait(stream)
    }

    // MARK: - Steps

    /// Creates the primitive for `pd` (which it destroys), records its implementation, scratchpad, the data type
    /// a convolution or inner product computes in, or a reorder's type conversion, and appends it to the plan.
    /// A convolution that fell to a `ref:` implementation is refused or warned about.
    func append(_ pd: dnnl_primitive_desc_t, _ args: [(Int32, dnnl_memory_t)], label: String, isConvolution: Bool = false) throws {
        defer { DNNL.primitiveDescDestroy(pd) }
        let implementation = try DNNL.implementation(pd)
        plan.implementations.append((label, implementation))
        DNNLBackend.logger.debug("\(label): \(implementation)", metadata: ["batch": "\(n)"])
        if isConvolution, implementation.hasPrefix("ref") {
            switch options.referenceImplementations {
            case .refuse: throw DNNLError.referenceImplementation(node: label, implementation: implementation)
            case .warn: DNNLBackend.warn(DNNLError.referenceImplementation(node: label, implementation: implementation).message)
            }
        }
        let source = try DNNL.query(pd, dnnl_query_src_md).data_type
        switch try DNNL.primitiveKind(pd) {
        case dnnl_convolution, dnnl_inner_product: plan.layerTypes.append((label, source))
        case dnnl_reorder where source != (try DNNL.query(pd, dnnl_query_dst_md).data_type): plan.conversions.append(label)
        default: break
        }
        let scratchpad = try DNNL.query(pd, dnnl_query_scratchpad_md)
        if DNNL.size(of: scratchpad) > 0 { scratchpads.append((plan.steps.count, scratchpad)) }
        let primitive = try DNNL.primitiveCreate(pd)
        plan.primitives.append(primitive)
        plan.steps.append(Step(label: label, primitive: primitive, args: args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }))
    }

    /// Appends a run-time reorder (layout or type conversion, or a plain copy), multiplying by `scale` (int8
    /// quantization: rounded to nearest, saturated to the destination type).
    func addReorder(
        from src: dnnl_memory_t, _ srcMD: dnnl_memory_desc_t, to dst: dnnl_memory_t, _ dstMD: dnnl_memory_desc_t, scale: Float = 1,
        label: String
    ) throws {
        let attr = try DNNL.attributes(outputScales: scale == 1 ? [] : [scale])
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.reorderDesc(srcMD, dstMD, attr, engine)
        try append(pd, [(DNNL_ARG_FROM, src), (DNNL_ARG_TO, dst)], label: "reorder \(label)")
    }

    /// One buffer, sized for the hungriest step, bound to every step that needs scratch space.
    private func bindScratchpad() throws {
        let bytes = scratchpads.map { DNNL.size(of: $0.md) }.max() ?? 0
        guard bytes > 0 else { return }
        let buffer = Buffers.allocate(bytes)
        plan.buffers.append(buffer)
        plan.scratchpadBytes = bytes
        for (step, md) in scratchpads {
            plan.steps[step].args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: try memory(md, buffer)))
        }
    }

    // MARK: - Graph boundaries

    // user (N, C, H, W) f32 -> the input value, read in place
    private func addInput(_ node: Node) throws {
        let md = try DNNL.memoryDesc(dims(ValueID(current)), dnnl_f32, Self.plainTag(rank: node.shape.rank + 1))
        let memory = try memory(md, nil)
        plan.input = memory
        slots[current] = Slot(md: md, memory: memory, buffer: nil)
    }

    // the output value -> user (N, ...) f32, plain row-major
    private func addOutput() throws {
        let md = try DNNL.memoryDesc(dims(graph.output), dnnl_f32, Self.plainTag(rank: graph.outputShape.rank + 1))
        let memory = try memory(md, nil)
        plan.output = memory
        let value = try slot(graph.output)
        try addReorder(from: value.memory, value.md, to: memory, md, label: "\(graph[graph.output].name) -> output")
    }

    /// The row-major tag for a rank (`ab`, `abc`, `abcd`, ...), up to 6 (a rank-5 value and its batch).
    static func plainTag(rank: Int) -> dnnl_format_tag_t {
        [dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde, dnnl_abcdef][max(0, min(rank, 6) - 1)]
    }
}
