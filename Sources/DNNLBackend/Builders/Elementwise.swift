import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A standalone activation (one no convolution absorbed), in place when its input dies here; an
    /// activation of several oneDNN steps (hardsigmoid) runs its later steps in place on its output.
    // (N, ...) -> (N, ...)
    func addEltwise(_ node: Node, _ activation: Activation) throws {
        let x = node.inputs[0]
        let md = try slot(x).md
        var dst: dnnl_memory_t?
        for (step, (kind, alpha, beta)) in activation.dnnlSteps.enumerated() {
            let desc = try DNNL.eltwiseDesc(kind, data: md, alpha: alpha, beta: beta)
            let attr = try DNNL.attributes()
            defer { DNNL.attributesDestroy(attr) }
            let pd = try DNNL.primitiveDesc(desc, attr, engine)
            let src = try dst ?? source(x, as: md)
            let out = try dst ?? output(try DNNL.query(pd, dnnl_query_dst_md), inPlaceOf: x)
            try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, out)], label: step == 0 ? node.name : "\(node.name).\(step)")
            dst = out
        }
    }

    /// `a + b` or `a * b`, `b` broadcast onto `a` (a `(N, C, 1, 1)` gate, a `(1, T, D)` constant), on a's
    /// layout, in place into a when it dies here.
    // (N, d1, ..., dk) op (N | 1, d1 | 1, ..., dk | 1) -> (N, d1, ..., dk)
    func addBinary(_ node: Node, _ algorithm: dnnl_alg_kind_t) throws {
        let (a, b) = (node.inputs[0], node.inputs[1])
        let aMD = try slot(a).md
        // A same-shape operand must share a's layout, and so must a broadcast one of the batch's images (an SE gate,
        // (N, C, 1, 1)): oneDNN 2.6's JIT binary kernels take no other, and fall to `ref:any` on RegNetY's 8-channel
        // blocks against a channels-last gate. Reordering the gate costs N x C elements. A constant, (1, ...),
        // keeps its plain layout.
        let ownB = try slot(b).md
        let bDims = DNNL.dims(of: ownB)
        let bMD = bDims == dims(a) ? aMD
            : bDims.count == 4 && bDims[0] == n ? try DNNL.memoryDesc(bDims, ownB.data_type, Self.concatTag([aMD])) : ownB
        let desc = try DNNL.binaryDesc(algorithm, src0: aMD, src1: bMD, dst: aMD)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        let src0 = try source(a, as: aMD)
        let src1 = try source(b, as: bMD)
        let dst = try output(aMD, inPlaceOf: a, readers: [b])
        try append(pd, [(DNNL_ARG_SRC_0, src0), (DNNL_ARG_SRC_1, src1), (DNNL_ARG_DST, dst)], label: node.name)
    }
}
