import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// `torch.cat` along channels with oneDNN's concat, each operand read in the layout its producer chose.
    // (N, C1, H, W) ++ (N, C2, H, W) ++ ... -> (N, C1 + C2 + ..., H, W)
    func addConcat(_ node: Node) throws {
        // step 1: sources as produced, in one data type (the first's: an operand of another type is
        // converted to it in plain layout); dst any
        let type = try slot(node.inputs[0]).md.data_type
        let srcMDs = try node.inputs.map { value in
            let md = try slot(value).md
            return md.data_type == type ? md : try DNNL.memoryDesc(dims(value), type, Self.plainTag(rank: dims(value).count))
        }
        let dstAny = try DNNL.memoryDesc(dims(ValueID(current)), type, dnnl_format_tag_any)
        // step 2-3: primitive descriptor and the dst layout it chose
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.concatDesc(srcMDs, axis: 1, dst: dstAny, attr, engine)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 5-6: bind and append (no weights)
        var args: [(Int32, dnnl_memory_t)] = []
        for (i, (value, md)) in zip(node.inputs, srcMDs).enumerated() {
            args.append((DNNL_ARG_MULTIPLE_SRC + Int32(i), try source(value, as: md)))
        }
        args.append((DNNL_ARG_DST, try output(dstMD, inPlaceOf: nil)))
        try append(pd, args, label: node.name)
    }
}
