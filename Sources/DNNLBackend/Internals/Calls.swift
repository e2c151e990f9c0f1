import CDNNL

// MARK: - The one file that calls oneDNN
//
// Every `dnnl_*` (and OpenMP) call of DNNLBackend is made here, through a typed wrapper that turns a
// non-success status into `DNNLError.call` naming the C function. Op builders never see a status code.

/// oneDNN's C entry points, checked.
enum DNNL {
    static func check(_ status: dnnl_status_t, _ function: String) throws(DNNLError) {
        guard status == dnnl_success else { throw .call(function: function, status: Int(status.rawValue)) }
    }

    /// Dims, strides or paddings as the fixed `dnnl_dims_t` array oneDNN reads.
    static func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: max(0, Int(DNNL_MAX_NDIMS) - values.count))
    }

    // MARK: - Engine, stream, threads

    /// Creates the CPU engine.
    ///
    /// The corresponding C function is `dnnl_engine_create`.
    static func engineCreate() throws(DNNLError) -> dnnl_engine_t {
        var engine: dnnl_engine_t?
        try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        guard let engine else { throw .call(function: "dnnl_engine_create", status: -1) }
        return engine
    }

    /// Destroys an engine.
    ///
    /// The corresponding C function is `dnnl_engine_destroy`.
    static func engineDestroy(_ engine: dnnl_engine_t) { _ = dnnl_engine_destroy(engine) }

    /// Creates an in-order stream on `engine`.
    ///
    /// The corresponding C function is `dnnl_stream_create`.
    static func streamCreate(_ engine: dnnl_engine_t) throws(DNNLError) -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        try check(dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue)), "dnnl_stream_create")
        guard let stream else { throw .call(function: "dnnl_stream_create", status: -1) }
        return stream
    }

    /// Destroys a stream.
    ///
    /// The corresponding C function is `dnnl_stream_destroy`.
    static func streamDestroy(_ stream: dnnl_stream_t) { _ = dnnl_stream_destroy(stream) }

    /// Waits for every primitive submitted to `stream`.
    ///
    /// The corresponding C function is `dnnl_stream_wait`.
    static func streamWait(_ stream: dnnl_stream_t) throws(DNNLError) {
        try check(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    /// The instruction set oneDNN dispatches to on this CPU.
    ///
    /// The corresponding C function is `dnnl_get_effective_cpu_isa`.
    static func effectiveISA() -> dnnl_cpu_isa_t { dnnl_get_effective_cpu_isa() }

    /// Sets the OpenMP team size for parallel regions started by the calling thread (Debian's libdnnl uses libgomp).
    ///
    /// The corresponding C function is `omp_set_num_threads`.
    static func setThreadCount(_ count: Int) { omp_set_num_threads(Int32(count)) }

    /// The OpenMP team size of the calling thread.
    ///
    /// The corresponding C function is `omp_get_max_threads`.
    static func threadCount() -> Int { Int(omp_get_max_threads()) }

    // MARK: - Memory

    /// A memory descriptor for `dims` of `type` in the layout `tag` (`dnnl_format_tag_any` to let a primitive choose).
    ///
    /// The corresponding C function is `dnnl_memory_desc_init_by_tag`.
    static func memoryDesc(_ dims: [Int], _ type: dnnl_data_type_t, _ tag: dnnl_format_tag_t) throws(DNNLError) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        try check(dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), Self.dims(dims), type, tag), "dnnl_memory_desc_init_by_tag")
        return md
    }

    /// The bytes a memory of `md` occupies, padding included.
    ///
    /// The corresponding C function is `dnnl_memory_desc_get_size`.
    static func size(of md: dnnl_memory_desc_t) -> Int { withUnsafePointer(to: md) { Int(dnnl_memory_desc_get_size($0)) } }

    /// Whether two descriptors describe the same layout.
    ///
    /// The corresponding C function is `dnnl_memory_desc_equal`.
    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in dnnl_memory_desc_equal(pa, pb) != 0 } }
    }

    /// A memory object over `handle` (nil: no buffer yet, set one per run with ``setHandle(_:_:)``).
    ///
    /// The corresponding C function is `dnnl_memory_create`.
    static func memoryCreate(_ md: dnnl_memory_desc_t, _ engine: dnnl_engine_t, _ handle: UnsafeMutableRawPointer?) throws(DNNLError) -> dnnl_memory_t {
        var memory: dnnl_memory_t?
        let status = withUnsafePointer(to: md) { dnnl_memory_create(&memory, $0, engine, handle) }
        try check(status, "dnnl_memory_create")
        guard let memory else { throw .call(function: "dnnl_memory_create", status: -1) }
        return memory
    }

    /// Points `memory` at `handle`.
    ///
    /// The corresponding C function is `dnnl_memory_set_data_handle`.
    static func setHandle(_ memory: dnnl_memory_t, _ handle: UnsafeMutableRawPointer?) throws(DNNLError) {
        try check(dnnl_memory_set_data_handle(memory, handle), "dnnl_memory_set_data_handle")
    }

    /// The buffer a memory object reads and writes.
    ///
    /// The corresponding C function is `dnnl_memory_get_data_handle`.
    static func handle(_ memory: dnnl_memory_t) throws(DNNLError) -> UnsafeMutableRawPointer? {
        var handle: UnsafeMutableRawPointer?
        try check(dnnl_memory_get_data_handle(memory, &handle), "dnnl_memory_get_data_handle")
        return handle
    }

    /// The logical dims of `md`.
    static func dims(of md: dnnl_memory_desc_t) -> [Int] {
        withUnsafeBytes(of: md.dims) { raw in raw.bindMemory(to: Int64.self).prefix(Int(md.ndims)).map(Int.init) }
    }

    /// `md` with its axes moved: axis `i` of `md` becomes axis `permutation[i]` of the result, which reads
    /// the same bytes (a transposed view, no copy).
    ///
    /// The corresponding C function is `dnnl_memory_desc_permute_axes`.
    static func permuteAxes(_ md: dnnl_memory_desc_t, _ permutation: [Int]) throws(DNNLError) -> dnnl_memory_desc_t {
        var out = dnnl_memory_desc_t()
        var source = md
        let order = permutation.map(Int32.init)
        try check(dnnl_memory_desc_permute_axes(&out, &source, order), "dnnl_memory_desc_permute_axes")
        return out
    }

    /// The part of `parent` of size `dims` starting at `offsets` (a view into the parent's bytes).
    ///
    /// The corresponding C function is `dnnl_memory_desc_init_submemory`.
    static func submemoryDesc(_ parent: dnnl_memory_desc_t, dims: [Int], offsets: [Int]) throws(DNNLError) -> dnnl_memory_desc_t {
        var out = dnnl_memory_desc_t()
        var source = parent
        try check(dnnl_memory_desc_init_submemory(&out, &source, Self.dims(dims), Self.dims(offsets)), "dnnl_memory_desc_init_submemory")
        return out
    }

    /// Destroys a memory object (not its buffer, which we own).
    ///
    /// The corresponding C function is `dnnl_memory_destroy`.
    static func memoryDestroy(_ memory: dnnl_memory_t) { _ = dnnl_memory_destroy(memory) }

    // MARK: - Operation descriptors

    /// A forward-inference convolution; `dilation` is PyTorch's minus one (oneDNN counts skipped pixels).
    ///
    /// The corresponding C function is `dnnl_dilated_convolution_forward_desc_init`.
    static func convolutionDesc(
        src: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t, dst: dnnl_memory_desc_t,
        strides: [Int], dilation: [Int], padL: [Int], padR: [Int]
    ) throws(DNNLError) -> dnnl_convolution_desc_t {
        var desc = dnnl_convolution_desc_t()
        var (s, w, b, d) = (src, weights, bias, dst)
        let status = dnnl_dilated_convolution_forward_desc_init(
            &desc, dnnl_forward_inference, dnnl_convolution_direct, &s, &w, &b, &d,
            dims(strides), dims(dilation), dims(padL), dims(padR))
        try check(status, "dnnl_dilated_convolution_forward_desc_init")
        return desc
    }

    /// A forward-inference pooling (max, or average including or excluding padding).
    ///
    /// The corresponding C function is `dnnl_pooling_v2_forward_desc_init`.
    static func poolingDesc(
        _ algorithm: dnnl_alg_kind_t, src: dnnl_memory_desc_t, dst: dnnl_memory_desc_t,
        strides: [Int], kernel: [Int], padL: [Int], padR: [Int]
    ) throws(DNNLError) -> dnnl_pooling_v2_desc_t {
        var desc = dnnl_pooling_v2_desc_t()
        var (s, d) = (src, dst)
        let status = dnnl_pooling_v2_forward_desc_init(
            &desc, dnnl_forward_inference, algorithm, &s, &d, dims(strides), dims(kernel), dims([0, 0]), dims(padL), dims(padR))
        try check(status, "dnnl_pooling_v2_forward_desc_init")
        return desc
    }

    /// A forward-inference elementwise op on data of layout `data`.
    ///
    /// The corresponding C function is `dnnl_eltwise_forward_desc_init`.
    static func eltwiseDesc(_ algorithm: dnnl_alg_kind_t, data: dnnl_memory_desc_t, alpha: Float, beta: Float) throws(DNNLError) -> dnnl_eltwise_desc_t {
        var desc = dnnl_eltwise_desc_t()
        var md = data
        try check(dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &md, alpha, beta), "dnnl_eltwise_forward_desc_init")
        return desc
    }

    /// A binary op (`src0 op src1`, src1 may broadcast over dims of size 1).
    ///
    /// The corresponding C function is `dnnl_binary_desc_init`.
    static func binaryDesc(_ algorithm: dnnl_alg_kind_t, src0: dnnl_memory_desc_t, src1: dnnl_memory_desc_t, dst: dnnl_memory_desc_t) throws(DNNLError) -> dnnl_binary_desc_t {
        var desc = dnnl_binary_desc_t()
        var (a, b, d) = (src0, src1, dst)
        try check(dnnl_binary_desc_init(&desc, algorithm, &a, &b, &d), "dnnl_binary_desc_init")
        return desc
    }

    /// An inference batch normalization using given statistics, scale and shift.
    ///
    /// The corresponding C function is `dnnl_batch_normalization_forward_desc_init`.
    static func batchNormDesc(data: dnnl_memory_desc_t, epsilon: Float) throws(DNNLError) -> dnnl_batch_normalization_desc_t {
        var desc = dnnl_batch_normalization_desc_t()
        var md = data
        let flags = dnnl_use_global_stats.rawValue | dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        let status = dnnl_batch_normalization_forward_desc_init(&desc, dnnl_forward_inference, &md, epsilon, UInt32(flags))
        try check(status, "dnnl_batch_normalization_forward_desc_init")
        return desc
    }

    /// A forward-inference layer normalization over the last axis of `data`, with scale and shift.
    ///
    /// The corresponding C function is `dnnl_layer_normalization_forward_desc_init`.
    static func layerNormDesc(data: dnnl_memory_desc_t, epsilon: Float) throws(DNNLError) -> dnnl_layer_normalization_desc_t {
        var desc = dnnl_layer_normalization_desc_t()
        var md = data
        let flags = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        let status = dnnl_layer_normalization_forward_desc_init(&desc, dnnl_forward_inference, &md, nil, epsilon, UInt32(flags))
        try check(status, "dnnl_layer_normalization_forward_desc_init")
        return desc
    }

    /// A forward-inference softmax along `axis`, with the maximum subtracted first.
    ///
    /// The corresponding C function is `dnnl_softmax_v2_forward_desc_init`.
    static func softmaxDesc(src: dnnl_memory_desc_t, dst: dnnl_memory_desc_t, axis: Int) throws(DNNLError) -> dnnl_softmax_v2_desc_t {
        var desc = dnnl_softmax_v2_desc_t()
        var (s, d) = (src, dst)
        let status = dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_inference, dnnl_softmax_accurate, &s, &d, Int32(axis))
        try check(status, "dnnl_softmax_v2_forward_desc_init")
        return desc
    }

    /// A reduction of `src` to the shape of `dst` (axes of size 1 are reduced).
    ///
    /// The corresponding C function is `dnnl_reduction_desc_init`.
    static func reductionDesc(_ algorithm: dnnl_alg_kind_t, src: dnnl_memory_desc_t, dst: dnnl_memory_desc_t, p: Float, epsilon: Float) throws(DNNLError) -> dnnl_reduction_desc_t {
        var desc = dnnl_reduction_desc_t()
        var (s, d) = (src, dst)
        try check(dnnl_reduction_desc_init(&desc, algorithm, &s, &d, p, epsilon), "dnnl_reduction_desc_init")
        return desc
    }

    /// A (batched) matrix multiplication `src @ weights` without bias; either operand may be a strided view.
    ///
    /// The corresponding C function is `dnnl_matmul_desc_init`.
    static func matmulDesc(src: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, dst: dnnl_memory_desc_t) throws(DNNLError) -> dnnl_matmul_desc_t {
        var desc = dnnl_matmul_desc_t()
        var (s, w, d) = (src, weights, dst)
        try check(dnnl_matmul_desc_init(&desc, &s, &w, nil, &d), "dnnl_matmul_desc_init")
        return desc
    }

    /// A forward-inference inner product (fully connected layer).
    ///
    /// The corresponding C function is `dnnl_inner_product_forward_desc_init`.
    static func innerProductDesc(src: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t, dst: dnnl_memory_desc_t) throws(DNNLError) -> dnnl_inner_product_desc_t {
        var desc = dnnl_inner_product_desc_t()
        var (s, w, b, d) = (src, weights, bias, dst)
        try check(dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference, &s, &w, &b, &d), "dnnl_inner_product_forward_desc_init")
        return desc
    }

    // MARK: - Attributes and post-ops

    /// Attributes with the given post-ops (each an eltwise or a sum), output scales (one common scale, or one per
    /// channel), and, for primitives of a run, a user scratchpad.
    ///
    /// The corresponding C functions are `dnnl_primitive_attr_create`, `dnnl_primitive_attr_set_scratchpad_mode`,
    /// `dnnl_primitive_attr_set_output_scales`,
    /// `dnnl_post_ops_create`, `dnnl_post_ops_append_eltwise`, `dnnl_post_ops_append_sum_v2` and
    /// `dnnl_primitive_attr_set_post_ops`.
    static func attributes(postOps: [DNNLPostOp] = [], outputScales: [Float] = [], userScratchpad: Bool = true) throws(DNNLError) -> dnnl_primitive_attr_t {
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
        guard let attr else { throw .call(function: "dnnl_primitive_attr_create", status: -1) }
        do {
            if userScratchpad {
                try check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "dnnl_primitive_attr_set_scratchpad_mode")
            }
            if !outputScales.isEmpty {
                // one scale for everything (mask 0), or one per channel, dimension 1 (mask 1 << 1)
                let mask: Int32 = outputScales.count == 1 ? 0 : 1 << 1
                try check(dnnl_primitive_attr_set_output_scales(attr, Int64(outputScales.count), mask, outputScales), "dnnl_primitive_attr_set_output_scales")
            }
            guard !postOps.isEmpty else { return attr }
            var ops: dnnl_post_ops_t?
            try check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
            defer { _ = dnnl_post_ops_destroy(ops) }
            for op in postOps {
                switch op {
                case .sum(let scale, let type): try check(dnnl_post_ops_append_sum_v2(ops, scale, type), "dnnl_post_ops_append_sum_v2")
                case .eltwise(let alg, let alpha, let beta):
                    try check(dnnl_post_ops_append_eltwise(ops, 1, alg, alpha, beta), "dnnl_post_ops_append_eltwise")
                }
            }
            try check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
            return attr
        } catch {
            _ = dnnl_primitive_attr_destroy(attr)
            throw error
        }
    }

    /// Destroys attributes.
    ///
    /// The corresponding C function is `dnnl_primitive_attr_destroy`.
    static func attributesDestroy(_ attr: dnnl_primitive_attr_t) { _ = dnnl_primitive_attr_destroy(attr) }

    // MARK: - Primitive descriptors and primitives

    /// The best implementation oneDNN has for `desc` (any `dnnl_*_desc_t`) with `attr`.
    ///
    /// The corresponding C function is `dnnl_primitive_desc_create`.
    static func primitiveDesc<Desc>(_ desc: Desc, _ attr: dnnl_primitive_attr_t, _ engine: dnnl_engine_t) throws(DNNLError) -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        let status = withUnsafePointer(to: desc) { dnnl_primitive_desc_create(&pd, UnsafeRawPointer($0), attr, engine, nil) }
        try check(status, "dnnl_primitive_desc_create")
        guard let pd else { throw .call(function: "dnnl_primitive_desc_create", status: -1) }
        return pd
    }

    /// A reorder (layout and/or type conversion) from `src` to `dst`, with a user scratchpad.
    ///
    /// The corresponding C function is `dnnl_reorder_primitive_desc_create`.
    static func reorderDesc(_ src: dnnl_memory_desc_t, _ dst: dnnl_memory_desc_t, _ attr: dnnl_primitive_attr_t, _ engine: dnnl_engine_t) throws(DNNLError) -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        var (s, d) = (src, dst)
        try check(dnnl_reorder_primitive_desc_create(&pd, &s, engine, &d, engine, attr), "dnnl_reorder_primitive_desc_create")
        guard let pd else { throw .call(function: "dnnl_reorder_primitive_desc_create", status: -1) }
        return pd
    }

    /// The memory descriptor a primitive descriptor chose for `what` (src, weights, dst, scratchpad).
    ///
    /// The corresponding C function is `dnnl_primitive_desc_query_md`.
    static func query(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t, index: Int = 0) throws(DNNLError) -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(pd, what, Int32(index)) else {
            throw .call(function: "dnnl_primitive_desc_query_md", status: Int(dnnl_invalid_arguments.rawValue))
        }
        return md.pointee
    }

    /// The name of the implementation oneDNN picked ("brgconv:avx2", "jit:avx2", "ref:any").
    ///
    /// The corresponding C function is `dnnl_primitive_desc_query`.
    static func implementation(_ pd: dnnl_primitive_desc_t) throws(DNNLError) -> String {
        var name: UnsafePointer<CChar>?
        try check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name), "dnnl_primitive_desc_query")
        return name.map { String(cString: $0) } ?? "?"
    }

    /// What kind of primitive `pd` describes (convolution, inner product, reorder, ...).
    ///
    /// The corresponding C function is `dnnl_primitive_desc_query`.
    static func primitiveKind(_ pd: dnnl_primitive_desc_t) throws(DNNLError) -> dnnl_primitive_kind_t {
        var kind = dnnl_undefined_primitive
        try check(dnnl_primitive_desc_query(pd, dnnl_query_primitive_kind, 0, &kind), "dnnl_primitive_desc_query")
        return kind
    }

    /// A concatenation of `sources` along dimension `axis` into `dst` (`dnnl_format_tag_any`: oneDNN chooses).
    ///
    /// The corresponding C function is `dnnl_concat_primitive_desc_create`.
    static func concatDesc(
        _ sources: [dnnl_memory_desc_t], axis: Int, dst: dnnl_memory_desc_t, _ attr: dnnl_primitive_attr_t, _ engine: dnnl_engine_t
    ) throws(DNNLError) -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        var d = dst
        let status = sources.withUnsafeBufferPointer {
            dnnl_concat_primitive_desc_create(&pd, &d, Int32($0.count), Int32(axis), $0.baseAddress, attr, engine)
        }
        try check(status, "dnnl_concat_primitive_desc_create")
        guard let pd else { throw .call(function: "dnnl_concat_primitive_desc_create", status: -1) }
        return pd
    }

    /// Destroys a primitive descriptor.
    ///
    /// The corresponding C function is `dnnl_primitive_desc_destroy`.
    static func primitiveDescDestroy(_ pd: dnnl_primitive_desc_t) { _ = dnnl_primitive_desc_destroy(pd) }

    /// Creates (JIT-compiles) the primitive for `pd`.
    ///
    /// The corresponding C function is `dnnl_primitive_create`.
    static func primitiveCreate(_ pd: dnnl_primitive_desc_t) throws(DNNLError) -> dnnl_primitive_t {
        var primitive: dnnl_primitive_t?
        try check(dnnl_primitive_create(&primitive, pd), "dnnl_primitive_create")
        guard let primitive else { throw .call(function: "dnnl_primitive_create", status: -1) }
        return primitive
    }

    /// Submits `primitive` with its arguments to `stream`.
    ///
    /// The corresponding C function is `dnnl_primitive_execute`.
    static func execute(_ primitive: dnnl_primitive_t, _ stream: dnnl_stream_t, _ args: UnsafeBufferPointer<dnnl_exec_arg_t>) throws(DNNLError) {
        try check(dnnl_primitive_execute(primitive, stream, Int32(args.count), args.baseAddress), "dnnl_primitive_execute")
    }

    /// Destroys a primitive.
    ///
    /// The corresponding C function is `dnnl_primitive_destroy`.
    static func primitiveDestroy(_ primitive: dnnl_primitive_t) { _ = dnnl_primitive_destroy(primitive) }
}

/// A post-op in oneDNN's terms.
enum DNNLPostOp {
    /// dst = scale * (what dst held, read as `type`: s8 bits in a u8 dst, or back; undef: dst's own) + the result so far.
    case sum(scale: Float, type: dnnl_data_type_t = dnnl_data_type_undef)
    case eltwise(dnnl_alg_kind_t, alpha: Float, beta: Float)
}
