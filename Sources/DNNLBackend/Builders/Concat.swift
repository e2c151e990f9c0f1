import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// `torch.cat` with oneDNN's concat. Along the channels of images each operand is read in the layout its
    /// producer chose; along any other axis (a class token before the patches) everything is plain.
    // (N, C1, H, W) ++ (N, C2, H, W) ++ ... -> (N, C1 + C2 + ..., H, W);  (N, ..., A1, ...) ++ ... -> (N, ..., A1 + ..., ...)
    func addConcat(_ node: Node, axis: Int) throws {
        // step 1: sources as produced, in one data type (the first's: an operand of another type is
        // converted to it in plain layout); dst in the operands' layout (see concatTag)
        let type = try slot(node.inputs[0]).md.data_type
        // Operands kept as produced only when every one's channels fill whole blocks of 16: a part that starts
        // inside a block (ShuffleNet's 58 + 58) leaves oneDNN only its reference concat.
        let keepLayouts = axis == 0 && node.shape.rank == 3 && node.inputs.allSatisfy { graph[$0].shape[0] % 16 == 0 }
        let srcMDs = try node.inputs.map { value in
            let md = try slot(value).md
            return md.data_type == type && keepLayouts ? md : try plainMD(dims(value), type)
        }
        let tag = keepLayouts ? Self.concatTag(srcMDs) : Self.plainTag(rank: node.shape.rank + 1)
        let dst = try DNNL.memoryDesc(dims(ValueID(current)), type, tag)
        // step 2-3: primitive descriptor, and the dst layout as it fixed it
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.concatDesc(srcMDs, axis: axis + 1, dst: dst, attr, engine)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 5-6: bind and append (no weights)
        var args: [(Int32, dnnl_memory_t)] = []
        for (i, (value, md)) in zip(node.inputs, srcMDs).enumerated() {
            args.append((DNNL_ARG_MULTIPLE_SRC + Int32(i), try source(value, as: md)))
        }
        args.append((DNNL_ARG_DST, try output(dstMD, inPlaceOf: nil)))
        try append(pd, args, label: node.name)
    }

    /// The layout of a concat's result: that of the first operand blocked by 8 or 16 channels (`aBcd8b`,
    /// `aBcd16b`) or channels-last (`acdb`), else NCHW.
    ///
    /// NOTE: left to choose (`format_tag_any`), oneDNN 2.6 copies an operand's strides, which at batch 1 come out
    /// as `Bacd8b`: a layout that only its reference batch norm and pooling kernels take.
    static func concatTag(_ sources: [dnnl_memory_desc_t]) -> dnnl_format_tag_t {
        for md in sources where md.format_kind == dnnl_blocked {
            let blocking = md.format_desc.blocking
            if blocking.inner_nblks == 0, md.ndims == 4, blocking.strides.1 == 1 { return dnnl_acdb }
            guard blocking.inner_nblks == 1, blocking.inner_idxs.0 == 1 else { continue }
            if blocking.inner_blks.0 == 8 { return dnnl_aBcd8b }
            if blocking.inner_blks.0 == 16 { return dnnl_aBcd16b }
        }
        return dnnl_abcd
    }
}
