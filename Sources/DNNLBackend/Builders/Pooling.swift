import CDNNL
import InferenceGraph
import TensorCore

extension PlanBuilder {
    /// Max or average pooling on the input's own layout.
    ///
    /// PyTorch's `ceil_mode` becomes extra bottom/right padding (see ``Pool/fittedPadding(input:output:)``):
    /// oneDNN's max pooling never picks padding, as PyTorch's never picks the overhang.
    // (N, C, H, W) -> (N, C, H', W')
    func addPooling(_ node: Node, _ pool: Pool, _ algorithm: dnnl_alg_kind_t) throws {
        let padding = pool.fittedPadding(input: graph[node.inputs[0]].shape, output: node.shape)
        try addPooling(node, algorithm, kernel: [pool.kernel.h, pool.kernel.w], strides: [pool.stride.h, pool.stride.w],
                       padL: [padding.top, padding.left], padR: [padding.bottom, padding.right])
    }

    /// Adaptive average pooling where the input divides evenly: a plain average pool with kernel = stride = H/oh.
    // (N, C, H, W) -> (N, C, oh, ow)
    func addAdaptiveAvgPool(_ node: Node) throws {
        let x = graph[node.inputs[0]].shape
        let (sh, sw) = (x[1] / node.shape[1], x[2] / node.shape[2])
        try addPooling(node, dnnl_pooling_avg_exclude_padding, kernel: [sh, sw], strides: [sh, sw], padL: [0, 0], padR: [0, 0])
    }

    private func addPooling(_ node: Node, _ algorithm: dnnl_alg_kind_t, kernel: [Int], strides: [Int], padL: [Int], padR: [Int]) throws {
        let x = node.inputs[0]
        // step 1: src as produced, dst any of the same type
        let srcMD = try slot(x).md
        let dstAny = try DNNL.memoryDesc(dims(ValueID(current)), srcMD.data_type, dnnl_format_tag_any)
        let desc = try DNNL.poolingDesc(algorithm, src: srcMD, dst: dstAny, strides: strides, kernel: kernel, padL: padL, padR: padR)
        // step 2-3: primitive descriptor and the dst layout it chose
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 5-6: bind and append (no weights)
        let src = try source(x, as: srcMD)
        let dst = try output(dstMD, inPlaceOf: nil)
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, dst)], label: node.name)
    }
}

extension Pool {
    /// The padding for which oneDNN's floor arithmetic gives `output` (`(C, H', W')`) from `input` (`(C, H, W)`):
    /// the pool's own, or with `ceilMode` a bottom/right padding stretched so that the last window fits.
    func fittedPadding(input: Shape, output: Shape) -> Padding {
        guard ceilMode else { return padding }
        var fitted = padding
        fitted.bottom = (output[1] - 1) * stride.h + kernel.h - input[1] - padding.top
        fitted.right = (output[2] - 1) * stride.w + kernel.w - input[2] - padding.left
        return fitted
    }

    /// Whether the fitted padding goes past the pool's own: then oneDNN's average counting padding divides
    /// by the whole window, where PyTorch leaves the overhang out of the divisor.
    func overhangs(input: Shape, output: Shape) -> Bool {
        let fitted = fittedPadding(input: input, output: output)
        return fitted.bottom > padding.bottom || fitted.right > padding.right
    }
}
