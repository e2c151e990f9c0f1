import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// `softmax(x, dim=-1)` with oneDNN's `softmax_v2` (accurate: the maximum subtracted first), in place
    /// when x dies here.
    // (N, ..., D) -> (N, ..., D)
    func addSoftmax(_ node: Node) throws {
        let x = try plain(node.inputs[0])
        let desc = try DNNL.softmaxDesc(src: x.md, dst: x.md, axis: Int(x.md.ndims) - 1)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        let dst = try output(x.md, inPlaceOf: node.inputs[0])
        try append(pd, [(DNNL_ARG_SRC, x.memory), (DNNL_ARG_DST, dst)], label: node.name)
    }
}

extension PlanBuilder {
    /// `F.normalize(x, dim=-1)`: oneDNN's `norm_lp_max` reduction gives `sqrt(max(sum x², eps))` per row
    /// (eps 1e-24 is PyTorch's norm floor of 1e-12, squared), then a broadcasting division.
    // (N, ..., D) -> (N, ..., 1) norms; (N, ..., D) / (N, ..., 1) -> (N, ..., D)
    func addL2Normalize(_ node: Node) throws {
        let x = try plain(node.inputs[0])
        let normDims = Array(DNNL.dims(of: x.md).dropLast()) + [1]
        let normMD = try plainMD(normDims, x.md.data_type)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let reduction = try DNNL.primitiveDesc(
            try DNNL.reductionDesc(dnnl_reduction_norm_lp_max, src: x.md, dst: normMD, p: 2, epsilon: 1e-24), attr, engine)
        let (norms, buffer) = try allocate(normMD)
        temporaries.append(buffer)
        try append(reduction, [(DNNL_ARG_SRC, x.memory), (DNNL_ARG_DST, norms)], label: "\(node.name).norm")
        let division = try DNNL.primitiveDesc(try DNNL.binaryDesc(dnnl_binary_div, src0: x.md, src1: normMD, dst: x.md), attr, engine)
        let dst = try output(x.md, inPlaceOf: node.inputs[0])
        try append(division, [(DNNL_ARG_SRC_0, x.memory), (DNNL_ARG_SRC_1, norms), (DNNL_ARG_DST, dst)], label: node.name)
    }
}
