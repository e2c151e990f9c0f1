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
    /// `F.normalize(x, dim=-1)`: `x / sqrt(max(sum x², eps))` per row (eps 1e-24 is PyTorch's norm floor of 1e-12,
    /// squared), as four JIT steps: the squares, their sums per row, `sqrt(max(·, eps))` on the sums, a division.
    ///
    /// NOTE: oneDNN 2.6 has the whole norm as one reduction (`norm_lp_max`), but only as `ref:any`: 40% of Swin V2's
    /// fp32 time. Its JIT reduction takes sums over the innermost axes of plain rows, and no post-ops.
    // (N, ..., D) -> (N, ..., 1) norms; (N, ..., D) / (N, ..., 1) -> (N, ..., D)
    func addL2Normalize(_ node: Node) throws {
        let x = try plain(node.inputs[0])
        let dims = DNNL.dims(of: x.md)
        let normMD = try plainMD(Array(dims.dropLast()) + [1], x.md.data_type)
        // step 1: the squares, in a temporary
        let (squares, squaresBuffer) = try allocate(x.md)
        temporaries.append(squaresBuffer)
        try appendEltwise(dnnl_eltwise_square, x.md, from: x.memory, to: squares, label: "\(node.name).square")
        // step 2: their sums per row (rows of D, viewed as 2-D)
        let rows = dims.dropLast().reduce(1, *)
        let (rowsMD, sumsMD) = (try plainMD([rows, dims.last!], x.md.data_type), try plainMD([rows, 1], x.md.data_type))
        let (norms, normsBuffer) = try allocate(normMD)
        temporaries.append(normsBuffer)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let sum = try DNNL.primitiveDesc(try DNNL.reductionDesc(dnnl_reduction_sum, src: rowsMD, dst: sumsMD, p: 0, epsilon: 0), attr, engine)
        try append(sum, [(DNNL_ARG_SRC, try view(squares, x.md, as: rowsMD)), (DNNL_ARG_DST, try view(norms, normMD, as: sumsMD))],
                   label: "\(node.name).sum")
        // step 3: the norms, in place
        try appendEltwise(dnnl_eltwise_clip, normMD, alpha: 1e-24, beta: .greatestFiniteMagnitude, from: norms, to: norms, label: "\(node.name).eps")
        try appendEltwise(dnnl_eltwise_sqrt, normMD, from: norms, to: norms, label: "\(node.name).norm")
        // step 4: the division, in place when x dies here
        let dst = try output(x.md, inPlaceOf: node.inputs[0])
        try appendBinary(dnnl_binary_div, x, (norms, normMD), dst, label: node.name)
    }
}
