import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A fully connected layer in int8 with the scales of its ``Calibration/Layer``, as the int8 convolution (see
    /// ``addInt8Convolution(_:_:_:)``): its output stays integer when every reader is an int8 layer taking it as
    /// input with the same scale (a transformer MLP's fc1 + GELU, read by fc2), else it is float (attention's
    /// reshapes, LayerNorm). A residual sum adds a float residual into a float output.
    ///
    /// ```
    ///  x rows ─► (f32: reorder × 1/inputScale) ─► u8|s8 ─► inner product, s8 weights round(w / weightScale[o]), s32 sums
    ///         ─► × inputScale · weightScale[o] (output scales), + bias, post-ops ─► y f32 rows
    ///                                                                       └─► × 1/nextScale ─► y u8|s8 rows
    /// ```
    /// ViT's and Swin's projections and MLPs are 85-90% of their fp32 time: these are the layers int8 speeds up there.
    // (N, ..., F) -> (N, ..., O), computed as (N * ..., F) -> (N * ..., O)
    func addInt8InnerProduct(_ node: Node, _ linear: Linear, _ layer: Calibration.Layer) throws {
        let (x, o, f) = (node.inputs[0], linear.weight.shape[0], linear.weight.shape[1])
        guard layer.weightScales.count == o, layer.inputScale > 0 else {
            throw DNNLError.calibration("\(node.name): the calibration has \(layer.weightScales.count) weight scales, the layer \(o) outputs")
        }
        let rows = dims(ValueID(current)).dropLast().reduce(1, *)
        let inputScale = Self.int8InputScale(layer)
        // step 1: the scales and post-ops, ending in the next layer's integers when the output stays integer
        let residual = node.residual
        let next = residual == nil ? int8Output(of: current) : nil
        let dstType = next.map { $0.unsigned ? dnnl_u8 : dnnl_s8 } ?? layerOutputType
        let (scales, postOps) = writing(next, layer.weightScales.map { $0 * inputScale }, linear.postOps) { $0.dnnl }
        // step 2: integer rows in, rows out, s8 weights in the layout oneDNN chooses
        let srcRows = try plainMD([rows, f], layer.unsigned ? dnnl_u8 : dnnl_s8)
        let weightsAny = try DNNL.memoryDesc([o, f], dnnl_s8, dnnl_format_tag_any)
        let biasMD = try DNNL.memoryDesc([o], dnnl_f32, dnnl_a)
        let dstRows = try plainMD([rows, o], dstType)
        let desc = try DNNL.innerProductDesc(src: srcRows, weights: weightsAny, bias: biasMD, dst: dstRows)
        let attr = try DNNL.attributes(postOps: postOps, outputScales: scales)
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        // step 3: weights rounded to integers here, bias pre-divided by the input and weight scales (oneDNN 2.6 adds
        // it before the output scales)
        let quantized = linear.weight.scalars.enumerated().map { i, w in layer.weightLevel(w, channel: i / f) }
        let weights = try constant(quantized, dims: [o, f], tag: dnnl_ab, as: try DNNL.query(pd, dnnl_query_weights_md))
        let correction = inputScale == layer.inputScale ? layer.biasCorrection : layer.biasCorrection7Bit
        let bias = try constant((0..<o).map {
            ((linear.bias?.scalars[$0] ?? 0) + (correction?[$0] ?? 0)) / (layer.weightScales[$0] * inputScale)
        }, dims: [o], tag: dnnl_a)
        // step 4: the input as plain integers: as its producer wrote them, or quantized into a temporary; seen as rows
        let integerMD = try plainMD(dims(x), srcRows.data_type)
        let src: dnnl_memory_t
        if quantizedScales[x.index] != nil {
            src = try source(x, as: integerMD)
        } else {
            let float = try plain(x)
            src = try quantizedInput(Slot(md: float.md, memory: float.memory, buffer: nil), as: integerMD, layer)
        }
        // step 5: a residual sum accumulates into dst, so dst starts as the residual
        let dstMD = try plainMD(dims(ValueID(current)), dstType)
        let dst = try output(dstMD, inPlaceOf: residual, copying: true, readers: [x])
        try append(pd, [(DNNL_ARG_SRC, try view(src, integerMD, as: srcRows)), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias),
                        (DNNL_ARG_DST, try view(dst, dstMD, as: dstRows))],
                   label: node.name)
    }
}
