import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// `scale * (a @ b)` or `scale * (a @ bᵀ)` with oneDNN's batched `matmul`: the transpose is a strided
    /// view of b (no copy), the scale an output scale.
    // (N, ..., M, K) @ (N, ..., K, L) -> (N, ..., M, L)
    func addMatMul(_ node: Node, _ mm: MatMul) throws {
        // step 1: plain operands in the compute type; bᵀ as b's bytes with its last two axes swapped
        let a = try plain(node.inputs[0], computeType)
        let b = try plain(node.inputs[1], computeType)
        var bMD = b.md
        if mm.transposeB {
            var order = Array(0..<Int(b.md.ndims))
            order.swapAt(order.count - 2, order.count - 1)
            bMD = try DNNL.permuteAxes(b.md, order)
        }
        let dstMD = try plainMD(dims(ValueID(current)), computeType)
        let desc = try DNNL.matmulDesc(src: a.md, weights: bMD, dst: dstMD)
        // step 2: primitive descriptor with the scale
        let attr = try DNNL.attributes(outputScales: mm.scale == 1 ? [] : [mm.scale])
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        // step 5-6: bind and append
        let weights = mm.transposeB ? try view(b.memory, b.md, as: bMD) : b.memory
        let dst = try output(dstMD, inPlaceOf: nil)
        try append(pd, [(DNNL_ARG_SRC, a.memory), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_DST, dst)], label: node.name)
    }
}
