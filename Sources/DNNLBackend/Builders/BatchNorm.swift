import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A batch norm that could not be folded into a convolution, with the running statistics.
    // (N, C, H, W) -> (N, C, H, W)
    func addBatchNorm(_ node: Node, _ bn: BatchNorm) throws {
        let x = node.inputs[0]
        let md = try slot(x).md
        let c = node.shape[0]
        let desc = try DNNL.batchNormDesc(data: md, epsilon: bn.epsilon)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        // Statistics, scale and shift are plain (C) f32 vectors whatever the data type.
        let mean = try constant(bn.mean.scalars, dims: [c], tag: dnnl_a)
        let variance = try constant(bn.variance.scalars, dims: [c], tag: dnnl_a)
        let scale = try constant(bn.gamma.scalars, dims: [c], tag: dnnl_a)
        let shift = try constant(bn.beta.scalars, dims: [c], tag: dnnl_a)
        let src = try source(x, as: md)
        let dst = try output(try DNNL.query(pd, dnnl_query_dst_md), inPlaceOf: x)
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, dst), (DNNL_ARG_MEAN, mean), (DNNL_ARG_VARIANCE, variance),
                        (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift)], label: node.name)
    }
}
