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
            let src = try dst ?? source(x, as: md)
            let out = try dst ?? output(md, inPlaceOf: x)
            try appendEltwise(kind, md, alpha: alpha, beta: beta, from: src, to: out, label: step == 0 ? node.name : "\(node.name).\(step)")
            dst = out
        }
    }

    /// Appends one eltwise step `from` -> `to` (the same memory: in place), both laid out as `md`.
    func appendEltwise(
        _ algorithm: dnnl_alg_kind_t, _ md: dnnl_memory_desc_t, alpha: Float = 0, beta: Float = 0, from: dnnl_memory_t, to: dnnl_memory_t,
        label: String
    ) throws {
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(try DNNL.eltwiseDesc(algorithm, data: md, alpha: alpha, beta: beta), attr, engine)
        try append(pd, [(DNNL_ARG_SRC, from), (DNNL_ARG_DST, to)], label: label)
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
        let src0 = try source(a, as: aMD)
        let src1 = try source(b, as: bMD)
        let dst = try output(aMD, inPlaceOf: a, readers: [b])
        try appendBinary(algorithm, (src0, aMD), (src1, bMD), dst, label: node.name)
    }

    /// Appends `a op b` into `dst` (laid out as `a`). Plain operands whose broadcast runs along inner or middle axes
    /// (Swin V2's per-head logit scale, `(N, W, H, T, T) * (1, 1, H, 1, 1)`; a division by per-row norms,
    /// `(N, ..., D) / (N, ..., 1)`) are seen as `(outer, C, inner) op (1, C, 1)`: oneDNN 2.6's JIT kernels take a
    /// per-channel broadcast, and fall to `ref:any` on the others, which was three quarters of Swin V2's time.
    func appendBinary(
        _ algorithm: dnnl_alg_kind_t, _ a: (memory: dnnl_memory_t, md: dnnl_memory_desc_t),
        _ b: (memory: dnnl_memory_t, md: dnnl_memory_desc_t), _ dst: dnnl_memory_t, label: String
    ) throws {
        var (src0, src1, out, aMD, bMD) = (a.memory, b.memory, dst, a.md, b.md)
        let (aDims, bDims) = (DNNL.dims(of: a.md), DNNL.dims(of: b.md))
        if let (folded, channels) = Self.perChannelView(aDims, bDims),
            DNNL.equal(a.md, try plainMD(aDims, a.md.data_type)), DNNL.equal(b.md, try plainMD(bDims, b.md.data_type))
        {
            aMD = try plainMD(folded, a.md.data_type)
            bMD = try plainMD([1, channels, 1], b.md.data_type)
            (src0, src1, out) = (try view(src0, a.md, as: aMD), try view(src1, b.md, as: bMD), try view(dst, a.md, as: aMD))
        }
        let desc = try DNNL.binaryDesc(algorithm, src0: aMD, src1: bMD, dst: aMD)
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        try append(pd, [(DNNL_ARG_SRC_0, src0), (DNNL_ARG_SRC_1, src1), (DNNL_ARG_DST, out)], label: label)
    }

    /// `a` as `(outer, C, inner)`, and `C`, when `b` (each axis `a`'s or 1) varies along one run of adjacent axes of
    /// `a` and is broadcast along the others; nil when `b` has `a`'s shape, is a scalar, or varies along separate
    /// runs. Axes of size 1 in `a` do not count.
    // (d1, ..., dk), (d1 | 1, ..., dk | 1) -> (outer, C, inner), C
    static func perChannelView(_ a: [Int], _ b: [Int]) -> (dims: [Int], channels: Int)? {
        let axes = zip(a, b).filter { $0.0 != 1 }
        guard let first = axes.firstIndex(where: { $0.1 != 1 }), let last = axes.lastIndex(where: { $0.1 != 1 }),
            axes[first...last].allSatisfy({ $0.0 == $0.1 }), first > 0 || last < axes.count - 1
        else { return nil }
        let product = { (range: ArraySlice<(Int, Int)>) in range.reduce(1) { $0 * $1.0 } }
        let channels = product(axes[first...last])
        return ([product(axes[..<first]), channels, product(axes[(last + 1)...])], channels)
    }
}
