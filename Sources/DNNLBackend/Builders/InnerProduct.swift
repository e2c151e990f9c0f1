import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// Flatten: the value in plain row-major NCHW order (what `torch.flatten(x, 1)` reads), viewed as (N, F).
    // (N, C, H, W) -> (N, C*H*W)
    func addFlatten(_ node: Node) throws {
        let x = node.inputs[0]
        let from = try slot(x)
        let plain = try DNNL.memoryDesc(dims(x), from.md.data_type, Self.plainTag(rank: dims(x).count))
        let (memory, buffer) = try allocate(plain)
        try addReorder(from: from.memory, from.md, to: memory, plain, label: "\(graph[x].name) -> \(node.name)")
        let flat = try DNNL.memoryDesc(dims(ValueID(current)), from.md.data_type, dnnl_ab)
        setOutput(Slot(md: flat, memory: try self.memory(flat, arenaBuffers[buffer]), buffer: buffer))
    }

    /// A fully connected layer, weights `[out, in]` reordered once.
    // (N, F) -> (N, O)
    func addInnerProduct(_ node: Node, _ linear: Linear) throws {
        let x = node.inputs[0]
        let (o, f) = (linear.weight.shape[0], linear.weight.shape[1])
        // step 1: descriptors with format_tag_any
        let srcAny = try DNNL.memoryDesc(dims(x), computeType, dnnl_format_tag_any)
        let weightsAny = try DNNL.memoryDesc([o, f], computeType, dnnl_format_tag_any)
        let biasMD = try DNNL.memoryDesc([o], dnnl_f32, dnnl_a)
        let dstAny = try DNNL.memoryDesc([n, o], layerOutputType, dnnl_format_tag_any)
        let desc = try DNNL.innerProductDesc(src: srcAny, weights: weightsAny, bias: biasMD, dst: dstAny)
        // step 2-3: primitive descriptor and its layouts
        let attr = try DNNL.attributes()
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        let srcMD = try DNNL.query(pd, dnnl_query_src_md)
        let weightsMD = try DNNL.query(pd, dnnl_query_weights_md)
        // step 4: weights once
        let weights = try constant(linear.weight.scalars, dims: [o, f], tag: dnnl_ab, as: weightsMD)
        let bias = try constant(linear.bias?.scalars ?? [Float](repeating: 0, count: o), dims: [o], tag: dnnl_a)
        // step 5-6
        let src = try source(x, as: srcMD)
        let dst = try output(try DNNL.query(pd, dnnl_query_dst_md), inPlaceOf: nil)
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)],
                   label: node.name)
    }
}
