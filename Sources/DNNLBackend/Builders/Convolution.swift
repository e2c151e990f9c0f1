import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A convolution with its fused post-ops (residual sum, activations), in oneDNN's six steps.
    // (N, C, H, W) -> (N, K, H', W');  weight (K, C/G, kH, kW) viewed as (G, K/G, C/G, kH, kW) when grouped
    func addConvolution(_ node: Node, _ conv: Conv2D) throws {
        let x = node.inputs[0]
        let (k, g) = (conv.outChannels, conv.groups)
        let types = (src: computeType, weights: computeType, dst: layerOutputType)
        // step 1-2: descriptors for the activation layout oneDNN runs fastest (see activationLayout), and the
        // primitive descriptor with the post-ops
        let attr = try DNNL.attributes(postOps: conv.postOps.flatMap(\.dnnl))
        defer { DNNL.attributesDestroy(attr) }
        let pd = try activationLayout(node, conv, types, attr)
        // step 3: the layouts it chose
        let srcMD = try DNNL.query(pd, dnnl_query_src_md)
        let weightsMD = try DNNL.query(pd, dnnl_query_weights_md)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 4: weights reordered once, now; bias stays plain f32
        let weights = try constant(conv.weight.scalars, dims: conv.oneDNNWeightDims, tag: g > 1 ? dnnl_goihw : dnnl_oihw, as: weightsMD)
        let bias = try constant(conv.bias?.scalars ?? [Float](repeating: 0, count: k), dims: [k], tag: dnnl_a)
        // step 5: bind activations; a residual sum accumulates into dst, so dst starts as the residual
        let src = try source(x, as: srcMD)
        let residual = node.residual
        let dst = try output(dstMD, inPlaceOf: residual, copying: true, readers: [x])
        // step 6: the primitive, executed on every run
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)],
                   label: node.name, isConvolution: true)
    }
}

extension PlanBuilder {
    typealias ConvolutionTypes = (src: dnnl_data_type_t, weights: dnnl_data_type_t, dst: dnnl_data_type_t)

    /// The primitive descriptor of `conv` in the activation layout oneDNN runs fastest: 16-channel blocks where
    /// ``blockedActivations`` says so and the layer has a JIT kernel for them, else oneDNN's own choice, except
    /// for layouts the layers after it lack kernels for (see hasJITConsumers).
    func activationLayout(
        _ node: Node, _ conv: Conv2D, _ types: ConvolutionTypes, _ attr: dnnl_primitive_attr_t
    ) throws -> dnnl_primitive_desc_t {
        if blockedActivations {
            let blocked = try convolutionPrimitive(node, conv, types, tag: dnnl_aBcd16b, attr)
            if try !DNNL.implementation(blocked).hasPrefix("ref") { return blocked }
            DNNL.primitiveDescDestroy(blocked)  // RegNetY's 24-channel groups have none
        }
        let pd = try convolutionPrimitive(node, conv, types, tag: dnnl_format_tag_any, attr)
        if try hasJITConsumers(DNNL.query(pd, dnnl_query_dst_md)) { return pd }
        DNNL.primitiveDescDestroy(pd)
        return try convolutionPrimitive(node, conv, types, tag: dnnl_acdb, attr)
    }

    /// The primitive descriptor of `conv` with these data types, activations in layout `tag` (weights any).
    /// In 16-channel blocks the graph's input image is left as it is (planar: its 3 channels would fill 3 of 16).
    func convolutionPrimitive(
        _ node: Node, _ conv: Conv2D, _ types: ConvolutionTypes, tag: dnnl_format_tag_t, _ attr: dnnl_primitive_attr_t
    ) throws -> dnnl_primitive_desc_t {
        let readsImage = if case .input = graph[node.inputs[0]].op { true } else { false }
        let src = try DNNL.memoryDesc(dims(node.inputs[0]), types.src, tag == dnnl_aBcd16b && readsImage ? dnnl_format_tag_any : tag)
        let weightsAny = try DNNL.memoryDesc(conv.oneDNNWeightDims, types.weights, dnnl_format_tag_any)
        let biasMD = try DNNL.memoryDesc([conv.outChannels], dnnl_f32, dnnl_a)
        let dst = try DNNL.memoryDesc(dims(ValueID(current)), types.dst, tag)
        let desc = try DNNL.convolutionDesc(
            src: src, weights: weightsAny, bias: biasMD, dst: dst,
            strides: [conv.stride.h, conv.stride.w], dilation: [conv.dilation.h - 1, conv.dilation.w - 1],
            padL: [conv.padding.top, conv.padding.left], padR: [conv.padding.bottom, conv.padding.right])
        return try DNNL.primitiveDesc(desc, attr, engine)
    }
}

extension Conv2D {
    /// The weight's dims as oneDNN takes them: `(K, C/G, kH, kW)`, or `(G, K/G, C/G, kH, kW)` when grouped.
    var oneDNNWeightDims: [Int] {
        let (k, g, c) = (outChannels, groups, weight.shape[1])
        return g > 1 ? [g, k / g, c, kernel.h, kernel.w] : [k, c, kernel.h, kernel.w]
    }
}

extension PostOp {
    /// The oneDNN post-op: a sum reads dst before the conv writes it.
    var dnnl: [DNNLPostOp] {
        switch self {
        case .residualAdd: [.sum(scale: 1)]
        case .activation(let a): a.dnnlSteps.map { .eltwise($0.kind, alpha: $0.alpha, beta: $0.beta) }
        }
    }
}

extension Activation {
    /// oneDNN's eltwise algorithms and parameters for this activation, applied in order.
    var dnnlSteps: [(kind: dnnl_alg_kind_t, alpha: Float, beta: Float)] {
        switch self {
        case .relu: [(dnnl_eltwise_relu, 0, 0)]
        case .relu6: [(dnnl_eltwise_bounded_relu, 6, 0)]
        case .sigmoid: [(dnnl_eltwise_logistic, 0, 0)]
        case .silu: [(dnnl_eltwise_swish, 1, 0)]  // x * sigmoid(alpha * x)
        case .hardswish: [(dnnl_eltwise_hardswish, 0, 0)]
        // NOTE: oneDNN 2.6 has no hardsigmoid eltwise: x / 6 + 0.5, then clip to [0, 1].
        case .hardsigmoid: [(dnnl_eltwise_linear, 1 / 6, 0.5), (dnnl_eltwise_clip, 0, 1)]
        case .gelu: [(dnnl_eltwise_gelu_erf, 0, 0)]
        case .tanh: [(dnnl_eltwise_tanh, 0, 0)]
        }
    }
}
