import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A fully connected layer over the last axis with its fused post-ops (activations, a residual sum), weights
    /// `[out, in]` reordered once: the plain input seen as rows of `in` features (one row per image, or per token
    /// of every image).
    // (N, ..., F) -> (N, ..., O), computed as (N * ..., F) -> (N * ..., O)
    func addInnerProduct(_ node: Node, _ linear: Linear) throws {
        let (o, f) = (linear.weight.shape[0], linear.weight.shape[1])
        let rows = dims(ValueID(current)).dropLast().reduce(1, *)
        // step 1: plain rows in and out, weights format_tag_any
        let x = try plain(node.inputs[0], computeType)
        let srcRows = try plainMD([rows, f], computeType)
        let weightsAny = try DNNL.memoryDesc([o, f], computeType, dnnl_format_tag_any)
        let biasMD = try DNNL.memoryDesc([o], dnnl_f32, dnnl_a)
        let dstRows = try plainMD([rows, o], layerOutputType)
        let desc = try DNNL.innerProductDesc(src: srcRows, weights: weightsAny, bias: biasMD, dst: dstRows)
        // step 2-3: primitive descriptor with the post-ops, and the weights layout it chose
        let attr = try DNNL.attributes(postOps: linear.postOps.flatMap(\.dnnl))
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        let weightsMD = try DNNL.query(pd, dnnl_query_weights_md)
        // step 4: weights once
        let weights = try constant(linear.weight.scalars, dims: [o, f], tag: dnnl_ab, as: weightsMD)
        let bias = try constant(linear.bias?.scalars ?? [Float](repeating: 0, count: o), dims: [o], tag: dnnl_a)
        // step 5-6: a residual sum accumulates into dst, so dst starts as the residual
        let dstMD = try plainMD(dims(ValueID(current)), layerOutputType)
        let dst = try output(dstMD, inPlaceOf: node.residual, copying: true, readers: [node.inputs[0]])
        try append(pd, [(DNNL_ARG_SRC, try view(x.memory, x.md, as: srcRows)), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias),
                        (DNNL_ARG_DST, try view(dst, dstMD, as: dstRows))], label: node.name)
    }
}
