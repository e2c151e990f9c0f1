import DNNLBackend
import InferenceGraph
import ReferenceBackend
import TensorCore
import TestSupport
import XCTest

/// int8 convolutions against the fp32 reference, with scales taken from the reference's own values (the
/// largest |x| of each layer input): what remains is rounding to 8 bits, so the tolerance is stated in
/// steps of the output's quantization, not as float round-off. Runs on every CPU (oneDNN has int8 kernels
/// for AVX2, AVX-512 VNNI and AMX).
final class Int8Tests: XCTestCase {
    var rng = SeededRandom(state: 8)

    /// image -> conv stem -> relu -> max pool -> conv a (no activation: signed input next) -> conv b + image
    /// -> relu -> conv d -> relu -> conv e + b -> relu -> grouped conv c: unsigned and signed inputs, residual sums
    /// of float values (the image into b, b's float output into e: both then write float), layers passing integers
    /// on (stem -> pool -> a, a -> b, d -> e) and groups, on the ISA's int8 kernels (never `ref:`).
    func testInt8ConvolutionsAgreeWithFP32() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 16, height: 10, width: 10)
        let stem = g.maxPool(
            g.relu(g.conv2d(x, weight: rng.tensor([16, 16, 3, 3]), bias: rng.tensor([16]), padding: .symmetric(1), name: "stem")),
            kernel: 3, stride: 1, padding: .symmetric(1))
        let a = g.conv2d(stem, weight: rng.tensor([16, 16, 1, 1]), bias: rng.tensor([16]), name: "a")
        let b = g.relu(g.add(g.conv2d(a, weight: rng.tensor([16, 16, 3, 3]), bias: rng.tensor([16]), padding: .symmetric(1), name: "b"), x))
        let d = g.relu(g.conv2d(b, weight: rng.tensor([16, 16, 1, 1]), bias: rng.tensor([16]), name: "d"))
        let e = g.relu(g.add(g.conv2d(d, weight: rng.tensor([16, 16, 3, 3]), bias: rng.tensor([16]), padding: .symmetric(1), name: "e"), b))
        g.output(g.conv2d(e, weight: rng.tensor([32, 4, 3, 3]), bias: rng.tensor([32]), stride: 2, groups: 4, name: "c"))
        let graph = try g.build().optimized()
        let input = rng.tensor([3, 16, 10, 10]).scalars

        let (calibration, values) = try Self.maxCalibration(graph, input)
        let layers = calibration.layers
        XCTAssertEqual(layers.count, 6, "every convolution runs int8, the stem too: \(graph.nodes.map(\.name))")
        XCTAssertEqual(layers.filter { !$0.value.unsigned }.count, 2, "the stem reads the signed image, b a's signed output: \(layers.mapValues(\.unsigned))")

        let model = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: 3)
        XCTAssertEqual(model.precision, .int8)
        let implementations = try model.implementations(batchSize: 3)
        XCTAssertFalse(implementations.contains { $0.hasSuffix(": ref:any") && !$0.hasPrefix("reorder") }, "\(implementations)")
        // With VNNI the int8 layers pass integers to each other, except where a float residual is summed into what
        // would be a u8 output (b's, the signed image; then e's, b's float output): converted to u8 the residual would
        // lose its negatives, so b and e write float and d and c quantize it. Without VNNI the stem and b (signed
        // inputs) stay fp32, and a, d and c quantize what they read.
        let quantizing = implementations.filter { $0.hasPrefix("reorder quantize ") }
        XCTAssertEqual(quantizing.count, 3, "\(implementations)")
        let expected = values[graph.output.index]
        let actual = try model.run(input, batchSize: 3)
        // Six layers of 8-bit rounding, each adding up to half a step: within 3% of the output's range, and far
        // closer on average. Measured (2026-12-03): worst 1.7%, mean 0.35% with VNNI (1.6%, 0.36% with avx512_bf16, where
        // b's and e's float outputs are bf16); 1.8% and 0.37% capped at AVX2,
        // where the unsigned inputs have 7 bits and the stem and b, with signed inputs, stay fp32.
        assertInt8Close(actual, expected, worst: 0.03, mean: 0.006)
    }

    /// A transformer block's linear layers in int8 (oneDNN's int8 inner products) with fused post-ops, passing
    /// integers on: tokens -> qkv (signed input) -> fc1 + GELU -> fc2 + the tokens (a residual sum), and qkv -> fc0 +
    /// ReLU -> fc3 (unsigned input: 7 bits without VNNI) + fc2's result, then a head that writes the output in float.
    func testInt8LinearLayersAgreeWithFP32() throws {
        let g = GraphBuilder()
        let tokens = g.reshape(g.input("x", channels: 4, height: 6, width: 8), [24, 8])
        let qkv = g.linear(tokens, weight: rng.tensor([24, 8]), bias: rng.tensor([24]), name: "qkv")
        let fc1 = g.gelu(g.linear(qkv, weight: rng.tensor([32, 24]), bias: rng.tensor([32]), name: "fc1"))
        let fc2 = g.add(tokens, g.linear(fc1, weight: rng.tensor([8, 32]), bias: rng.tensor([8]), name: "fc2"))
        let fc0 = g.relu(g.linear(qkv, weight: rng.tensor([16, 24]), bias: rng.tensor([16]), name: "fc0"))
        let fc3 = g.add(g.linear(fc0, weight: rng.tensor([8, 16]), bias: rng.tensor([8]), name: "fc3"), fc2)
        g.output(g.linear(g.reshape(fc3, [192]), weight: rng.tensor([10, 192]), bias: rng.tensor([10]), name: "head"))
        let graph = try g.build().optimized()
        func layer(_ name: String) -> String { String(name.prefix { $0 != "+" }) }
        let linears = graph.nodes.compactMap { node -> (String, [PostOp])? in
            guard case .linear(let linear) = node.op else { return nil }
            return (layer(node.name), linear.postOps)
        }
        XCTAssertEqual(linears.map(\.0), ["qkv", "fc1", "fc2", "fc0", "fc3", "head"])
        XCTAssertEqual(linears.map(\.1), [[], [.activation(.gelu)], [.residualAdd], [.activation(.relu)], [.residualAdd], []], "fused")
        XCTAssertEqual(graph.quantizableNodes().map { layer(graph[$0].name) }, ["qkv", "fc1", "fc2", "fc0", "fc3"], "all but the head")
        let input = rng.tensor([3, 4, 6, 8]).scalars

        let (calibration, values) = try Self.maxCalibration(graph, input)
        XCTAssertEqual(calibration.layers.filter(\.value.unsigned).keys.map(layer), ["fc3"])
        let model = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: 3)
        let implementations = try model.implementations(batchSize: 3)
        XCTAssertFalse(implementations.contains { $0.contains(": ref:") && !$0.hasPrefix("reorder") }, "\(implementations)")
        // With VNNI integers pass from layer to layer (qkv -> fc1 and fc0, fc1 -> fc2, fc0 -> fc3): only the tokens
        // are quantized by a reorder. Without VNNI fc0 runs fp32 and fc3 quantizes what it writes.
        let quantizing = implementations.filter { $0.hasPrefix("reorder quantize ") }
        XCTAssertEqual(quantizing.count, 1, "\(implementations)")
        // Without VNNI only fc3's unsigned input runs int8 (signed inputs would leave the weights 7 bits, see
        // addInt8Convolution); the head writes the logits in float everywhere. With every other layer int8, what
        // stays float (the head's input, the residual stream) is bf16 where the CPU has it natively, else fp32.
        let precisions = try model.layerPrecisions(batchSize: 3).layers
        let int8 = DNNLBackend.hasVNNI ? ["qkv", "fc1", "fc2", "fc0", "fc3"] : ["fc3"]
        XCTAssertEqual(precisions.filter { $0.precision == "int8" }.map { layer($0.name) }, int8, "\(precisions)")
        XCTAssertEqual(precisions.last?.name, "head")
        XCTAssertEqual(precisions.last?.precision, DNNLBackend.hasVNNI && DNNLBackend.hasNativeBF16 ? "bf16" : "fp32")
        let expected = values[graph.output.index]
        let actual = try model.run(input, batchSize: 3)
        // Three layers of 8-bit rounding in a row (qkv, fc1, fc2), then a head summing 192 values: within 3% of the
        // output's range, 1% on average. Measured (2026-12-03, Zen 5): worst 1.8%, mean 0.53% with VNNI (1.9%, 0.56% with
        // the float remainder in bf16); 0.51% and
        // 0.17% capped at AVX2, where only fc3 runs int8.
        assertInt8Close(actual, expected, worst: 0.03, mean: 0.01)
    }

    /// What int8 leaves in float (here the linear head) runs in bf16 where the CPU has it natively, when every other
    /// layer with weights is int8; when one stays float (a depthwise convolution), in fp32, as that layer does.
    func testFloatRemainderIsBF16OnlyWhenEveryOtherLayerIsInt8() throws {
        for depthwise in [false, true] {
            let g = GraphBuilder()
            var y = g.relu(g.conv2d(g.input("x", channels: 8, height: 6, width: 6), weight: rng.tensor([16, 8, 1, 1]), name: "a"))
            if depthwise { y = g.conv2d(y, weight: rng.tensor([16, 1, 3, 3]), padding: .symmetric(1), groups: 16, name: "dw") }
            g.output(g.linear(g.reshape(y, [16 * 36]), weight: rng.tensor([4, 16 * 36]), name: "head"))
            let graph = try g.build().optimized()
            let input = rng.tensor([2, 8, 6, 6]).scalars
            let (calibration, values) = try Self.maxCalibration(graph, input)
            let model = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: 2)
            let precisions = try model.layerPrecisions(batchSize: 2).layers.map { "\($0.name.prefix { $0 != "+" }) \($0.precision)" }
            // a reads the signed image: int8 with VNNI only
            let a = DNNLBackend.hasVNNI ? "a int8" : "a fp32"
            let remainder = DNNLBackend.hasVNNI && DNNLBackend.hasNativeBF16 && !depthwise ? "bf16" : "fp32"
            XCTAssertEqual(precisions, [a] + (depthwise ? ["dw fp32"] : []) + ["head \(remainder)"], "depthwise: \(depthwise)")
            assertInt8Close(try model.run(input, batchSize: 2), values[graph.output.index], worst: 0.03, mean: 0.01)
        }
    }

    /// int8's output within `worst` of the fp32 output's range everywhere, and within `mean` of it on average.
    func assertInt8Close(_ actual: [Float], _ expected: [Float], worst: Float, mean: Float, file: StaticString = #filePath, line: UInt = #line) {
        let range = expected.map(abs).max()!
        assertClose(actual, expected, atol: worst * range, "int8 vs fp32 (\(DNNLBackend.isaDescription))", file: file, line: line)
        let meanError = zip(actual, expected).map { abs($0 - $1) }.reduce(0, +) / Float(expected.count)
        XCTAssertLessThan(meanError, mean * range, file: file, line: line)
    }

    /// A signed integer value added as the residual of a layer whose output is unsigned: converting the s8 residual
    /// into the u8 dst would clip its negatives. It lies in dst as s8 bits, which the sum reads as s8, and the
    /// layer still writes u8 for its reader: no float round trip.
    func testSignedIntegerResidualIntoUnsignedOutputIsNotClipped() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 16, height: 8, width: 8)
        let p = g.conv2d(x, weight: rng.tensor([16, 16, 1, 1]), bias: rng.tensor([16]), name: "p")  // signed, s8 with VNNI
        let q = g.conv2d(p, weight: rng.tensor([16, 16, 3, 3]), bias: rng.tensor([16]), padding: .symmetric(1), name: "q")
        let r = g.relu(g.add(q, p))  // unsigned: its reader s would take u8
        g.output(g.conv2d(r, weight: rng.tensor([16, 16, 1, 1]), bias: rng.tensor([16]), name: "s"))
        let graph = try g.build().optimized()
        let input = rng.tensor([2, 16, 8, 8]).scalars
        let (calibration, values) = try Self.maxCalibration(graph, input)
        XCTAssertEqual(calibration.layers.filter { $0.key.hasPrefix("q") }.map(\.value.unsigned), [false], "\(calibration.layers.keys)")
        XCTAssertEqual(calibration.layers["s"]?.unsigned, true)

        let model = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: 2)
        if DNNLBackend.hasVNNI {  // (without VNNI p and q, with signed inputs, run fp32: no integer residual at all)
            let implementations = try model.implementations(batchSize: 2)
            XCTAssertEqual(implementations.filter { $0.hasPrefix("reorder quantize") }.count, 1, "only the image: \(implementations)")
            XCTAssertFalse(implementations.contains { $0.hasSuffix(": ref:any") }, "\(implementations)")
        }
        let expected = values[graph.output.index]
        let actual = try model.run(input, batchSize: 2)
        // Three layers of rounding, as above: measured worst 1.0% of the range with VNNI, 0.6% at AVX2; clipping p's negatives
        // would be off by tens of percent.
        let range = expected.map(abs).max()!
        assertClose(actual, expected, atol: 0.03 * range, "int8 vs fp32 (\(DNNLBackend.isaDescription))")
    }

    /// A 1x1 convolution whose input is clipped hard (at a quarter of its largest value): every output channel's
    /// mean moves, by the weights times the clipped-off mass. The calibration's bias correction
    /// (``Calibration/Layer/meanShift(weight:groups:mean:quantizedMean:)``, means computed here independently)
    /// takes it back exactly on the data it was measured on: a 1x1 convolution's mean output is linear in the
    /// channels' means. With the input's 8 bits under VNNI, and its 7 without (the file's `bias_correction_7bit`).
    func testBiasCorrectionTakesBackTheMeanShift() throws {
        let (c, k, hw, n) = (8, 16, 36, 2)
        let g = GraphBuilder()
        let conv = g.conv2d(g.input("x", channels: c, height: 6, width: 6), weight: rng.tensor([k, c, 1, 1]), bias: rng.tensor([k]), name: "p")
        g.output(conv)
        let graph = try g.build().optimized()
        let input = rng.tensor([n, c, 6, 6]).scalars.map { $0 * $0 * 4 }  // >= 0, skewed: a long tail to clip
        let weight = try XCTUnwrap({ if case .conv2d(let conv) = graph[graph.output].op { conv.weight } else { nil } }())
        let scale = input.max()! / 4 / 255
        var layer = Calibration.Layer(inputScale: scale, unsigned: true, weightScales: Calibration.weightScales(weight))
        // without VNNI an unsigned input takes 0...127 at twice the scale (see addInt8Convolution): 7 bits
        let (high, step): (Float, Float) = DNNLBackend.hasVNNI ? (255, scale) : (127, scale * 255 / 127)
        var (mean, quantizedMean) = ([Double](repeating: 0, count: c), [Double](repeating: 0, count: c))
        for (i, x) in input.enumerated() {
            mean[i / hw % c] += Double(x) / Double(n * hw)
            quantizedMean[i / hw % c] += Double(min((x / step).rounded(), high) * step) / Double(n * hw)
        }
        let shift = layer.meanShift(weight: weight, groups: 1, mean: mean, quantizedMean: quantizedMean)
        let expected = try ReferenceBackend().compile(graph, batchSize: n).run(input, batchSize: n)
        func meanErrors(_ layer: Calibration.Layer) throws -> [Float] {
            let calibration = Calibration(model: "test", weightsSHA256: "random", method: "clip", images: n, layers: [graph[graph.output].name: layer])
            let actual = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: n).run(input, batchSize: n)
            var errors = [Float](repeating: 0, count: k)
            for i in actual.indices { errors[i / hw % k] += (actual[i] - expected[i]) / Float(n * hw) }
            return errors
        }
        let uncorrected = try meanErrors(layer)
        (layer.biasCorrection, layer.biasCorrection7Bit) = (shift.map { Float(-$0) }, shift.map { Float(-$0) })
        let corrected = try meanErrors(layer)
        let range = expected.map(abs).max()!
        XCTAssertGreaterThan(uncorrected.map(abs).max()!, 0.05 * range, "the clipping shifts the means: \(uncorrected)")
        for o in 0..<k {
            XCTAssertEqual(Double(uncorrected[o]), shift[o], accuracy: 1e-4 * Double(range), "channel \(o): the shift predicted")
            XCTAssertEqual(corrected[o], 0, accuracy: 1e-4 * range, "channel \(o): corrected")
        }
    }

    /// ResNet's downsample: a layer whose output only a residual sum reads. With the output scale the calibration
    /// observed for it, it writes s8, which lies in the u8 output of the block as its own bits (no float copy).
    func testResidualOnlyOutputStaysInteger() throws {
        let g = GraphBuilder()
        let x = g.relu(g.input("x", channels: 16, height: 8, width: 8))
        let down = g.conv2d(x, weight: rng.tensor([32, 16, 1, 1]), bias: rng.tensor([32]), stride: 2, name: "down")
        let main = g.conv2d(x, weight: rng.tensor([32, 16, 3, 3]), bias: rng.tensor([32]), stride: 2, padding: .symmetric(1), name: "main")
        let block = g.relu(g.add(g.conv2d(main, weight: rng.tensor([32, 32, 1, 1]), bias: rng.tensor([32]), name: "last"), down))
        g.output(g.conv2d(block, weight: rng.tensor([16, 32, 1, 1]), bias: rng.tensor([16]), name: "next"))
        let graph = try g.build().optimized()
        let input = rng.tensor([2, 16, 8, 8]).scalars
        let (calibration, values) = try Self.maxCalibration(graph, input)
        XCTAssertEqual(calibration.layers["down"]?.outputUnsigned, false, "\(calibration.layers.keys)")
        XCTAssertNotNil(calibration.layers["down"]?.outputScale)

        let model = try DNNLBackend(options: .init(precision: .int8, calibration: calibration)).compile(graph, batchSize: 2)
        let implementations = try model.implementations(batchSize: 2)
        XCTAssertFalse(implementations.contains { $0.hasSuffix(": ref:any") }, "\(implementations)")
        if DNNLBackend.hasVNNI {  // (without VNNI `last`, with main's signed output as input, runs fp32: a float sum)
            XCTAssertFalse(implementations.contains { $0.hasPrefix("reorder copy down") }, "summed in place, as s8: \(implementations)")
        }
        let expected = values[graph.output.index]
        let range = expected.map(abs).max()!
        assertClose(try model.run(input, batchSize: 2), expected, atol: 0.03 * range, "int8 vs fp32 (\(DNNLBackend.isaDescription))")
        // A calibration without output scales (written before them): the downsample writes float, and the block,
        // whose sum would convert that signed residual into its u8 output and lose the negatives, writes float too.
        var older = calibration
        older.layers["down"]?.outputScale = nil
        let floatDownsample = try DNNLBackend(options: .init(precision: .int8, calibration: older)).compile(graph, batchSize: 2)
        assertClose(try floatDownsample.run(input, batchSize: 2), expected, atol: 0.03 * range, "without output scales")
    }

    /// A calibration whose scales come from the fp32 reference's own values (the largest |x| each quantized layer
    /// reads), and those values.
    static func maxCalibration(_ graph: Graph, _ input: [Float]) throws -> (Calibration, [[Float]]) {
        let n = input.count / graph.inputShape.elementCount
        let reference = try XCTUnwrap(try ReferenceBackend().compile(graph, batchSize: n) as? ReferenceModel)
        let values = reference.evaluateAll(Batch(n: n, shape: graph.inputShape, data: input)).map(\.data)
        var layers: [String: Calibration.Layer] = [:]
        for id in graph.quantizableNodes() {
            let weight: Tensor
            switch graph[id].op {
            case .conv2d(let conv): weight = conv.weight
            case .linear(let linear): weight = linear.weight
            default: continue
            }
            let seen = values[graph[id].inputs[0].index]
            let unsigned = seen.min()! >= 0
            let peak = seen.map(abs).max()!
            layers[graph[id].name] = Calibration.Layer(
                inputScale: peak / (unsigned ? 255 : 127), unsigned: unsigned, weightScales: Calibration.weightScales(weight))
            // an output only residual sums read gets its own scale, as `batchvision calibrate` gives it
            let readers = graph.nodes.filter { $0.inputs.contains(id) }
            if !readers.isEmpty, readers.allSatisfy({ $0.inputs[0] != id && $0.op.kind == "conv2d" }) {
                let output = values[id.index]
                let outputUnsigned = output.min()! >= 0
                (layers[graph[id].name]!.outputScale, layers[graph[id].name]!.outputUnsigned) =
                    (output.map(abs).max()! / (outputUnsigned ? 255 : 127), outputUnsigned)
            }
        }
        return (Calibration(model: "test", weightsSHA256: "random", method: "max", images: n, layers: layers), values)
    }

    func testInt8WithoutCalibrationIsOneClearError() throws {
        let g = GraphBuilder()
        g.output(g.conv2d(g.relu(g.input("x", channels: 4, height: 6, width: 6)), weight: rng.tensor([4, 4, 1, 1])))
        XCTAssertThrowsError(try DNNLBackend(options: .init(precision: .int8)).compile(try g.build(), batchSize: 1)) { error in
            XCTAssertTrue("\(error)".contains("--calibration"), "\(error)")
        }
        let other = Calibration(model: "other", weightsSHA256: "x", method: "max", images: 1, layers: ["elsewhere": .init(inputScale: 1, unsigned: true, weightScales: [1])])
        XCTAssertThrowsError(try DNNLBackend(options: .init(precision: .int8, calibration: other)).compile(try g.build(), batchSize: 1)) { error in
            XCTAssertTrue("\(error)".contains("none of this graph"), "\(error)")
        }
    }
}
