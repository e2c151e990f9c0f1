import CDNNL
import Foundation
import InferenceGraph

extension PlanBuilder {
    /// A convolution in int8 with the scales of its ``Calibration/Layer``:
    ///
    /// ```
    ///  x f32 ─► reorder × 1/inputScale ─► u8|s8 ─► conv, s8 weights round(w / weightScale[k]), s32 sums
    ///        ─► × inputScale · weightScale[k] (output scales), post-ops in f32 ─► y f32
    /// ```
    /// NOTE: oneDNN 2.6 adds the bias before applying the output scales, so the bias goes in divided by them.
    /// Zero points are never used: symmetric scales only (AMX in 2.6 mishandles zero points).
    /// NOTE: without VNNI (AVX2, plain AVX-512) oneDNN multiplies u8 by s8 with `vpmaddubsw`, whose pairwise int16
    /// sums saturate (255 * 127 * 2 > 32767). An unsigned input then takes 0...127 (twice its scale); a signed
    /// input, which oneDNN shifts to 0...255, would leave the weights 7 bits, so those layers stay fp32 there
    /// (measured on EfficientNet-Lite0: 7-bit weights cost 2-3 of 150 top-1 agreements).
    // (N, C, H, W) -> (N, K, H', W')
    func addInt8Convolution(_ node: Node, _ conv: Conv2D, _ layer: Calibration.Layer) throws {
        let x = node.inputs[0]
        let (k, g) = (conv.outChannels, conv.groups)
        guard layer.weightScales.count == k, layer.inputScale > 0 else {
            throw DNNLError.calibration("\(node.name): the calibration has \(layer.weightScales.count) weight scales, the layer \(k) channels")
        }
        // step 1-2: quantized src and weights, f32 dst, in layouts oneDNN chooses; output scales per channel
        let inputScale = Self.int8InputScale(layer)
        let scales = layer.weightScales.map { $0 * inputScale }
        let attr = try DNNL.attributes(postOps: conv.postOps.flatMap(\.dnnl), outputScales: scales)
        defer { DNNL.attributesDestroy(attr) }
        let pd = try convolutionPrimitive(
            node, conv, (src: layer.unsigned ? dnnl_u8 : dnnl_s8, weights: dnnl_s8, dst: dnnl_f32), tag: dnnl_format_tag_any, attr)
        let srcMD = try DNNL.query(pd, dnnl_query_src_md)
        let weightsMD = try DNNL.query(pd, dnnl_query_weights_md)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 4: weights rounded to integers here (the f32 -> s8 reorder then only converts), bias pre-divided
        let perChannel = conv.weight.shape.elementCount / k
        let quantized = conv.weight.scalars.enumerated().map { i, w in
            min(max((w / layer.weightScales[i / perChannel]).rounded(.toNearestOrEven), -127), 127)
        }
        let weights = try constant(quantized, dims: conv.oneDNNWeightDims, tag: g > 1 ? dnnl_goihw : dnnl_oihw, as: weightsMD)
        let bias = try constant((0..<k).map { (conv.bias?.scalars[$0] ?? 0) / scales[$0] }, dims: [k], tag: dnnl_a)
        // step 5: the input quantized into a temporary; a residual sum accumulates into dst
        let from = try slot(x)
        let (src, buffer) = try allocate(srcMD)
        temporaries.append(buffer)
        try addReorder(from: from.memory, from.md, to: src, srcMD, scale: 1 / inputScale, label: "quantize \(graph[x].name) -> \(node.name)")
        let residual = conv.postOps.contains(.residualAdd) ? node.inputs[1] : nil
        let dst = try output(dstMD, inPlaceOf: residual, copying: true, readers: [x])
        // step 6
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)],
                   label: node.name, isConvolution: true)
    }

    /// The input scale that avoids `vpmaddubsw` saturation on this CPU (see the note above).
    static func int8InputScale(_ layer: Calibration.Layer) -> Float {
        DNNLBackend.hasVNNI || !layer.unsigned ? layer.inputScale : layer.inputScale * 255 / 127
    }
}
