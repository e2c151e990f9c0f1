import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// A fully connected layer in int8 with the scales of its ``Calibration/Layer``, as the int8 convolution
    /// (see ``addInt8Convolution(_:_:_:)``) but always writing float: its readers (attention's reshapes, LayerNorm,
    /// the next linear layer's quantization) are float layers. Its post-ops (GELU, a residual sum) run in float.
    ///
    /// ```
    ///  x f32 rows ─► reorder × 1/inputScale ─► u8|s8 ─► inner product, s8 weights round(w / weightScale[o]), s32 sums
    ///             ─► × inputScale · weightScale[o] (output scales), + bias, post-ops ─► y f32 rows
    /// ```
    /// ViT's and Swin's projections and MLPs are 85-90% of their fp32 time: these are the layers int8 speeds up there.
    // (N, ..., F) -> (N, ..., O), computed as (N * ..., F) -> (N * ..., O)
    func addInt8InnerProduct(_ node: Node, _ linear: Linear, _ layer: Calibration.Layer) throws {
        let (o, f) = (linear.weight.shape[0], linear.weight.shape[1])
        guard layer.weightScales.count == o, layer.inputScale > 0 else {
            throw DNNLError.calibration("\(node.name): the calibration has \(layer.weightScales.count) weight scales, the layer \(o) outputs")
        }
        let rows = dims(ValueID(current)).dropLast().reduce(1, *)
        let inputScale = Self.int8InputScale(layer)
        // step 1: integer rows in, f32 rows out, s8 weights in the layout oneDNN chooses; output scales per output
        let srcRows = try plainMD([rows, f], layer.unsigned ? dnnl_u8 : dnnl_s8)
        let weightsAny = try DNNL.memoryDesc([o, f], dnnl_s8, dnnl_format_tag_any)
        let biasMD = try DNNL.memoryDesc([o], dnnl_f32, dnnl_a)
        let dstRows = try plainMD([rows, o], layerOutputType)
        let desc = try DNNL.innerProductDesc(src: srcRows, weights: weightsAny, bias: biasMD, dst: dstRows)
        let attr = try DNNL.attributes(postOps: linear.postOps.flatMap(\.dnnl), outputScales: layer.weightScales.map { $0 * inputScale })
        defer { DNNL.attributesDestroy(attr) }
        let pd = try DNNL.primitiveDesc(desc, attr, engine)
        // step 2: weights rounded to integers here, bias pre-divided by the output scales (oneDNN 2.6 adds it first)
        let quantized = linear.weight.scalars.enumerated().map { i, w in layer.weightLevel(w, channel: i / f) }
        let weights = try constant(quantized, dims: [o, f], tag: dnnl_ab, as: try DNNL.query(pd, dnnl_query_weights_md))
        let correction = inputScale == layer.inputScale ? layer.biasCorrection : layer.biasCorrection7Bit
        let bias = try constant((0..<o).map {
            ((linear.bias?.scalars[$0] ?? 0) + (correction?[$0] ?? 0)) / (layer.weightScales[$0] * inputScale)
        }, dims: [o], tag: dnnl_a)
        // step 3: the input quantized into a plain integer copy, seen as rows
        let x = try plain(node.inputs[0], dnnl_f32)
        let integerMD = try plainMD(dims(node.inputs[0]), srcRows.data_type)
        let src = try quantizedInput(Slot(md: x.md, memory: x.memory, buffer: nil), as: integerMD, layer)
        let dstMD = try plainMD(dims(ValueID(current)), layerOutputType)
        let dst = try output(dstMD, inPlaceOf: linear.residual(of: node), copying: true, readers: [node.inputs[0]])
        try append(pd, [(DNNL_ARG_SRC, try view(src, integerMD, as: srcRows)), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias),
                        (DNNL_ARG_DST, try view(dst, dstMD, as: dstRows))],
                   label: node.name)
    }
}
