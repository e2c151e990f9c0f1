import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// Max or average pooling on the input's own layout.
    // (N, C, H, W) -> (N, C, H', W')
    func addPooling(_ node: Node, _ pool: Pool, _ algorithm: dnnl_alg_kind_t) throws {
        try addPooling(node, algorithm, kernel: [pool.kernel.h, pool.kernel.w], strides: [pool.stride.h, pool.stride.w],
                       padL: [pool.padding.top, pool.padding.left], padR: [pool.padding.bottom, pool.padding.right])
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
