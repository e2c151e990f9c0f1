import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// Layer normalization with oneDNN's `layer_normalization`, which normalizes the innermost axis: the
    /// plain layout for `nn.LayerNorm`, channels-last (`acdb`) for ConvNeXt's `LayerNorm2d` on an image.
    // (N, ..., D) -> (N, ..., D);  (N, C, H, W) -> (N, C, H, W) seen as (N, H, W, C)
    func addLayerNorm(_ node: Node, _ ln: LayerNorm) throws {
        let x = node.inputs[0]
        let type = try slot(x).md.data_type
        let d = dims(x)
        // step 1: the layout that puts the normalized axis innermost, and the same bytes as plain data
        let (layoutMD, dataMD) = ln.axis == .last
            ? (try plainMD(d, type), try plainMD(d, type))
            : (try DNNL.memoryDesc(d, type, dnnl_acdb), try plainMD([d[0], d[2], d[3], d[1]], type))
        let desc = try DNNL.layerNormDesc(data: dataMD, epsilon: ln.epsilon)
        // step 2: primitive descriptor
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        // step 4: scale and shift, f32 as oneDNN wants them
        let scale = try constant(ln.gamma.scalars, dims: [ln.gamma.shape[0]], tag: dnnl_a)
        let shift = try constant(ln.beta.scalars, dims: [ln.beta.shape[0]], tag: dnnl_a)
        // step 5-6: bind (in place when x dies here) and append
        let src = try source(x, as: layoutMD)
        let dst = try output(layoutMD, inPlaceOf: x)
        try append(pd, [(DNNL_ARG_SRC, try view(src, layoutMD, as: dataMD)), (DNNL_ARG_DST, try view(dst, layoutMD, as: dataMD)),
                        (DNNL_ARG_SCALE, scale), (DNNL_ARG_SHIFT, shift)], label: node.name)
    }
}
