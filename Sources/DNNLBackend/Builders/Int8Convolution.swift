import CDNNL
import Foundation
import InferenceGraph

extension PlanBuilder {
    /// A convolution in int8 with the scales of its ``Calibration/Layer``:
    ///
    /// ```
    ///  x f32 ─► reorder × 1/inputScale ─► u8|s8 ─► conv, s8 weights round(w / weightScale[k]), s32 sums
    ///        ─► × inputScale · weightScale[k] (output scales), post-ops in f32 ─► y f32
    ///                                                                          └─► × 1/nextScale ─► y u8|s8
    /// ```
    /// The output stays integer when every reader is an int8 convolution that would quantize it the same way
    /// (see ``int8Output(of:)``): the next layer then reads it as it is, with no reorder and a quarter of the bytes.
    /// A residual sum adds its operand in real units: `sum(scale)` with the operand's own scale when it is integer.
    ///
    /// NOTE: oneDNN 2.6 adds the bias before applying the output scales, so the bias goes in divided by them.
    /// Zero points are never used: symmetric scales only (AMX in 2.6 mishandles zero points).
    /// NOTE: without VNNI (AVX2, plain AVX-512) oneDNN multiplies u8 by s8 with `vpmaddubsw`, whose pairwise int16
    /// sums saturate (255 * 127 * 2 > 32767). An unsigned input then takes 0...127 (twice its scale, clipped at 127
    /// before the conversion to u8, which would saturate at 255 only); a signed
    /// input, which oneDNN shifts to 0...255, would leave the weights 7 bits, so those layers stay fp32 there
    /// (measured on EfficientNet-Lite0: 7-bit weights cost 2-3 of 150 top-1 agreements).
    // (N, C, H, W) -> (N, K, H', W')
    func addInt8Convolution(_ node: Node, _ conv: Conv2D, _ layer: Calibration.Layer) throws {
        let x = node.inputs[0]
        let (k, g) = (conv.outChannels, conv.groups)
        guard layer.weightScales.count == k, layer.inputScale > 0 else {
            throw DNNLError.calibration("\(node.name): the calibration has \(layer.weightScales.count) weight scales, the layer \(k) channels")
        }
        // step 1: the scales and post-ops, ending in the next layer's integers when the output stays integer
        let inputScale = Self.int8InputScale(layer)
        let residual = node.residual
        let integerResidual = residual.flatMap { quantizedScales[$0.index] }
        var next = int8Output(of: current)
        // A float residual converted into a u8 dst would lose its negatives (a downsample calibrated before output
        // scales were): then the output stays float, and its readers quantize it themselves.
        if let wanted = next, wanted.unsigned, residual != nil, integerResidual == nil { next = nil }
        // An integer residual of the other sign (an s8 downsample summed into a u8 output after ReLU, or back) lies
        // in dst as its own bits, and the sum reads them as its type: converted, its negatives would clip.
        let dstType = next.map { $0.unsigned ? dnnl_u8 : dnnl_s8 } ?? layerOutputType
        let residualType = if let residual, integerResidual != nil, next != nil { try slot(residual).md.data_type } else { dstType }
        let sumType = residualType != dstType ? residualType : nil
        // The residual starts in dst in some units (real = units * stored): an integer residual in its own scale, a
        // float one copied into an integer dst in the output's (copied * 1/nextScale), a float one into a float dst in 1.
        let residualUnits = integerResidual ?? next?.scale ?? 1
        let residualCopyScale = integerResidual == nil && next != nil ? 1 / residualUnits : 1
        let (scales, postOps) = writing(next, layer.weightScales.map { $0 * inputScale }, conv.postOps) { op in
            op == .residualAdd ? [.sum(scale: residualUnits, type: sumType ?? dnnl_data_type_undef)] : op.dnnl
        }
        // step 2: quantized src and weights, dst f32 or the next layer's integers, in layouts oneDNN chooses
        let attr = try DNNL.attributes(postOps: postOps, outputScales: scales)
        defer { DNNL.attributesDestroy(attr) }
        let pd = try convolutionPrimitive(
            node, conv, (src: layer.unsigned ? dnnl_u8 : dnnl_s8, weights: dnnl_s8, dst: dstType), tag: dnnl_format_tag_any, attr)
        let srcMD = try DNNL.query(pd, dnnl_query_src_md)
        let weightsMD = try DNNL.query(pd, dnnl_query_weights_md)
        let dstMD = try DNNL.query(pd, dnnl_query_dst_md)
        // step 3: weights rounded to integers here (the f32 -> s8 reorder then only converts), bias pre-divided
        let perChannel = conv.weight.shape.elementCount / k
        let quantized = conv.weight.scalars.enumerated().map { i, w in
            layer.weightLevel(w, channel: i / perChannel)
        }
        let weights = try constant(quantized, dims: conv.oneDNNWeightDims, tag: g > 1 ? dnnl_goihw : dnnl_oihw, as: weightsMD)
        // (acc + bias') * scale must be (acc * inputScale * weightScale + bias) / nextScale, folded or not
        let correction = inputScale == layer.inputScale ? layer.biasCorrection : layer.biasCorrection7Bit
        let bias = try constant((0..<k).map {
            ((conv.bias?.scalars[$0] ?? 0) + (correction?[$0] ?? 0)) / (layer.weightScales[$0] * inputScale)
        }, dims: [k], tag: dnnl_a)
        // step 4: the input as integers: as its producer wrote it, or quantized into a temporary
        let src = try quantizedScales[x.index] != nil ? source(x, as: srcMD) : quantizedInput(try slot(x), as: srcMD, layer)
        // step 5: a residual sum accumulates into dst: the residual's buffer, or a copy in the units above
        let dst = try output(dstMD, inPlaceOf: residual, copying: true, copyScale: residualCopyScale, readers: [x], operandType: sumType)
        try append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_BIAS, bias), (DNNL_ARG_DST, dst)],
                   label: node.name, isConvolution: true)
    }

    /// The output scales and oneDNN post-ops of an int8 layer with `postOps` (each made by `dnnl`), ending in
    /// `next`'s integers when its output stays integer (then recorded in `quantizedScales`), else in float.
    func writing(
        _ next: (scale: Float, unsigned: Bool)?, _ scales: [Float], _ postOps: [PostOp], dnnl: (PostOp) -> [DNNLPostOp]
    ) -> (scales: [Float], postOps: [DNNLPostOp]) {
        var (scales, steps) = (scales, postOps.flatMap(dnnl))
        guard let next else { return (scales, steps) }
        // ReLU commutes with a positive scale: fold 1/nextScale into the others; anything else gets a last step
        if postOps.allSatisfy({ $0 == .residualAdd || $0 == .activation(.relu) }) {
            scales = scales.map { $0 / next.scale }
            steps = steps.map { op in if case .sum(let s, let t) = op { .sum(scale: s / next.scale, type: t) } else { op } }
        } else {
            steps.append(.eltwise(dnnl_eltwise_linear, alpha: 1 / next.scale, beta: 0))
        }
        quantizedScales[current] = next.scale
        if next.unsigned, !DNNLBackend.hasVNNI { steps = Self.clippedTo7Bits(steps) }
        return (scales, steps)
    }

    /// Post-ops ending in `clip(0, 127)`, for a u8 output a 7-bit reader takes: a final ReLU (clip at 0) becomes the
    /// clip, so the kernel applies one step per value instead of two.
    static func clippedTo7Bits(_ postOps: [DNNLPostOp]) -> [DNNLPostOp] {
        var steps = postOps
        if case .eltwise(dnnl_eltwise_relu, alpha: 0, beta: _)? = steps.last { steps.removeLast() }
        return steps + [.eltwise(dnnl_eltwise_clip, alpha: 0, beta: 127)]
    }

    /// A float value as the integers `layer` reads (`md`, u8 or s8), in a temporary: divided by the input scale,
    /// rounded and saturated by a reorder; clipped first where unsigned inputs take 7 bits.
    func quantizedInput(_ value: Slot, as md: dnnl_memory_desc_t, _ layer: Calibration.Layer) throws -> dnnl_memory_t {
        let inputScale = Self.int8InputScale(layer)
        let name = "\(graph[graph.nodes[current].inputs[0]].name) -> \(graph.nodes[current].name)"
        var from = value
        if layer.unsigned, !DNNLBackend.hasVNNI {  // 7 bits: the conversion to u8 would saturate at 255, not 127
            from = try clipped(from, to: 127 * inputScale, label: "clip \(name)")
        }
        let (src, buffer) = try allocate(md)
        temporaries.append(buffer)
        try addReorder(from: from.memory, from.md, to: src, md, scale: 1 / inputScale, label: "quantize \(name)")
        return src
    }

    /// A float value clipped to `[0, high]`, in a temporary: what a conversion to 7 bits needs first.
    func clipped(_ value: Slot, to high: Float, label: String) throws -> Slot {
        let (memory, buffer) = try allocate(value.md)
        temporaries.append(buffer)
        try appendEltwise(dnnl_eltwise_clip, value.md, alpha: 0, beta: high, from: value.memory, to: memory, label: label)
        return Slot(md: value.md, memory: memory, buffer: buffer)
    }

    /// The calibrated scales `node` runs in int8 with, or nil when it runs in float: not int8, not calibrated,
    /// or a signed input on a CPU without VNNI (see the note above).
    func int8Layer(_ node: Node) -> Calibration.Layer? {
        Self.int8Layer(node, precision: precision, calibration: options.calibration)
    }

    static func int8Layer(_ node: Node, precision: Precision, calibration: Calibration?) -> Calibration.Layer? {
        guard precision == .int8, computeLayers.contains(node.op.kind), let layer = calibration?.layers[node.name],
            layer.unsigned || DNNLBackend.hasVNNI
        else { return nil }
        return layer
    }

    /// The scale and sign to write value `value` in as integers: those every reader quantizes it with, when every
    /// reader is an int8 convolution taking it as input (with the same scale) or adding it as a residual, or a max
    /// pool whose own output stays integer (ResNet's stem: max commutes with quantization, so the pool runs on u8).
    /// When only residual sums read it, the scale and sign the calibration observed the layer's output in, if it
    /// did (ResNet's downsamples). Nil (a float output) when any reader is something else.
    func int8Output(of value: Int) -> (scale: Float, unsigned: Bool)? {
        guard value != graph.output.index else { return nil }
        var agreed: (scale: Float, unsigned: Bool)?
        func agree(_ wanted: (scale: Float, unsigned: Bool)) -> Bool {
            if let agreed, agreed != wanted { return false }
            agreed = wanted
            return true
        }
        for index in readers[value] {
            let reader = graph.nodes[index]
            if case .maxPool = reader.op {
                guard let wanted = int8Output(of: index), agree(wanted) else { return nil }
                continue
            }
            if case .linear = reader.op, let layer = int8Layer(reader) {
                // an int8 linear layer reads integers as its input only (its residual sum adds float)
                guard reader.inputs[0].index == value, reader.residual?.index != value,
                    agree((scale: Self.int8InputScale(layer), unsigned: layer.unsigned))
                else { return nil }
                continue
            }
            guard case .conv2d = reader.op, let layer = int8Layer(reader) else { return nil }
            if reader.inputs[0].index == value, !agree((scale: Self.int8InputScale(layer), unsigned: layer.unsigned)) { return nil }
            if reader.inputs.dropFirst().contains(where: { $0.index == value }) && reader.residual?.index != value { return nil }
        }
        if agreed == nil, let own = int8Layer(graph.nodes[value]), let scale = own.outputScale {
            // (unsigned: 7 bits without VNNI, as every u8 value there, see the clip in addInt8Convolution)
            let unsigned = own.outputUnsigned ?? false
            return (Self.int8InputScale(Calibration.Layer(inputScale: scale, unsigned: unsigned, weightScales: [])), unsigned)
        }
        return agreed
    }

    /// The input scale that avoids `vpmaddubsw` saturation on this CPU (see the note above).
    static func int8InputScale(_ layer: Calibration.Layer) -> Float {
        layer.inputLevels(sevenBit: !DNNLBackend.hasVNNI).scale
    }
}
