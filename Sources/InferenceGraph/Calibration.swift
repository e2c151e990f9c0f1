import Foundation
import TensorCore

/// The int8 scales of one model's weights: data, not code, chosen by observing the graph on calibration
/// images (see ``Graph/quantizableNodes()`` and ``Graph/observing(_:)``) and kept in a small, versioned,
/// human-readable JSON file keyed by the weights' SHA-256.
///
/// ```
///  x (f32) ─► quantize: round(x / inputScale) ─► u8/s8 ─► int8 conv or linear, s8 weights round(w / weightScales[k])
///            ─► dequantize: * inputScale * weightScales[k], + bias, post-ops ─► y (f32)
/// ```
/// Symmetric everywhere (no zero points): an input that is never negative (after ReLU) is unsigned, the
/// 8 bits then cover [0, range] instead of [-range, range].
public struct Calibration: Codable, Sendable, Equatable {
    public static let format = "batchvision-calibration"
    public static let currentVersion = 1

    /// One quantized layer: the scale of its input and of each output channel's weights.
    public struct Layer: Codable, Sendable, Equatable {
        /// The input's clipping range divided by 127 (signed) or 255 (unsigned).
        public var inputScale: Float
        /// Whether the input was never negative on the calibration images (quantized as u8).
        public var unsigned: Bool
        /// `max |w[k]| / 127` for each output channel `k`.
        public var weightScales: [Float]
        /// What int8 adds to each output channel's bias: minus the mean shift that rounding and clipping the input
        /// and the weights caused in that channel on the calibration images (nil in files written before it: none).
        public var biasCorrection: [Float]?
        /// The same for CPUs without VNNI, where an unsigned input takes 7 bits (0...127 at twice the scale, see the
        /// DNNL backend's int8 convolution) and rounds differently: only for unsigned inputs.
        public var biasCorrection7Bit: [Float]?

        /// The scale (and sign) of the layer's output when only residual sums read it (ResNet's downsample): then it
        /// is written as integers in this scale and added as it is. Nil: written in float.
        public var outputScale: Float?
        public var outputUnsigned: Bool?

        enum CodingKeys: String, CodingKey {
            case inputScale = "input_scale", unsigned, weightScales = "weight_scales", biasCorrection = "bias_correction"
            case biasCorrection7Bit = "bias_correction_7bit", outputScale = "output_scale", outputUnsigned = "output_unsigned"
        }

        public init(inputScale: Float, unsigned: Bool, weightScales: [Float]) {
            (self.inputScale, self.unsigned, self.weightScales) = (inputScale, unsigned, weightScales)
        }

        /// The input's integer range and scale as int8 runs it: u8 or, without VNNI, 0...127 at twice the scale
        /// (`sevenBit`), or s8.
        public func inputLevels(sevenBit: Bool) -> (low: Float, high: Float, scale: Float) {
            !unsigned ? (-128, 127, inputScale) : sevenBit ? (0, 127, inputScale * 255 / 127) : (0, 255, inputScale)
        }

        /// The s8 integer int8 multiplies by for weight `w` of output channel `o`.
        public func weightLevel(_ w: Float, channel o: Int) -> Float {
            min(max((w / weightScales[o]).rounded(.toNearestOrEven), -127), 127)
        }

        /// The mean shift int8 makes in each output channel of a convolution with weight `[K, C/G, kH, kW]` in
        /// `groups` (or of a linear layer, `[K, C]`), given the mean of each input channel as it is (`mean`) and as
        /// int8 carries it (`quantizedMean`): `sum over c, taps of round(w / scale) * scale * quantizedMean[c] -
        /// w * mean[c]`. Exact for linear layers and 1x1 convolutions; larger kernels leave out the padded border.
        public func meanShift(weight: Tensor, groups: Int, mean: [Double], quantizedMean: [Double]) -> [Double] {
            let (k, perGroupIn) = (weight.shape[0], weight.shape[1])
            let taps = weight.shape.elementCount / (k * perGroupIn)
            return (0..<k).map { o in
                let group = o / (k / groups)
                var shift = 0.0
                for j in 0..<perGroupIn {
                    let c = group * perGroupIn + j
                    var (sum, quantizedSum) = (0.0, 0.0)
                    for t in 0..<taps {
                        let w = weight.scalars[(o * perGroupIn + j) * taps + t]
                        sum += Double(w)
                        quantizedSum += Double(weightLevel(w, channel: o) * weightScales[o])
                    }
                    shift += quantizedSum * quantizedMean[c] - sum * mean[c]
                }
                return shift
            }
        }
    }

    public var format = Calibration.format
    public var version = Calibration.currentVersion
    public var model: String
    /// The SHA-256 of the weights file the scales belong to ("random" for seeded random weights).
    public var weightsSHA256: String
    /// How input ranges were chosen, e.g. `percentile 99.99`.
    public var method: String
    /// How many calibration images were observed.
    public var images: Int
    /// By the layer's node name in the optimized graph.
    public var layers: [String: Layer]

    enum CodingKeys: String, CodingKey {
        case format, version, model, weightsSHA256 = "weights_sha256", method, images, layers
    }

    public init(model: String, weightsSHA256: String, method: String, images: Int, layers: [String: Layer]) {
        (self.model, self.weightsSHA256, self.method, self.images, self.layers) = (model, weightsSHA256, method, images, layers)
    }

    /// Symmetric per-output-channel s8 scales of a weight `[K, ...]`: `max |w[k]| / 127` (1 for an all-zero channel).
    public static func weightScales(_ weight: Tensor) -> [Float] {
        let k = weight.shape[0], per = weight.shape.elementCount / k
        return (0..<k).map { o in
            let peak = weight.scalars[o * per..<(o + 1) * per].reduce(0) { max($0, abs($1)) }
            return peak > 0 ? peak / 127 : 1
        }
    }
}

extension Graph {
    /// The nodes int8 runs: convolutions with more than one input channel per group, the stem too (its 7x7 is
    /// a tenth of ResNet-50's int8 time in float; on EfficientNet-Lite0 quantizing it moved top-1 agreement with
    /// fp32 from 148 to 149 of 150, near ties), and linear layers (the projections and MLPs of ViT, Swin and
    /// MaxViT) but the head that writes the graph's output: the logits keep float's precision for the ranking,
    /// at a cost of under 1% of the time. Depthwise convolutions stay in float: there int8 loses the most accuracy
    /// for the least time.
    public func quantizableNodes() -> [ValueID] {
        nodes.indices.compactMap { i in
            switch nodes[i].op {
            case .conv2d(let conv) where conv.weight.shape[1] > 1: ValueID(i)
            case .linear where ValueID(i) != output: ValueID(i)
            default: nil
            }
        }
    }

    /// This graph with its output followed by `values`, each flattened, in one output vector: any backend can
    /// then show a calibrator what flows into the layers it will quantize.
    // output (O...) -> (O + sum of the values' element counts)
    public func observing(_ values: [ValueID]) -> Graph {
        var copy = self
        var parts: [ValueID] = []
        for value in [output] + values {
            let count = self[value].shape.elementCount
            copy.nodes.append(Node(name: "observe.\(self[value].name)", op: .reshape([count]), inputs: [value], shape: [count]))
            parts.append(ValueID(copy.nodes.count - 1))
        }
        let total = parts.reduce(0) { $0 + copy[$1].shape.elementCount }
        copy.nodes.append(Node(name: "observe", op: .concat(axis: 0), inputs: parts, shape: [total]))
        copy.output = ValueID(copy.nodes.count - 1)
        return copy
    }
}
