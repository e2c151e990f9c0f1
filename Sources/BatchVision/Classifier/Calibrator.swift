import DNNLBackend
import Foundation
import InferenceGraph

/// Chooses the int8 scales of a model from calibration images: the exact preprocessing, then the fp32 graph
/// with every quantizable layer's input as an extra output (``Graph/observing(_:)``), twice over the images.
///
/// ```
///  images ─► decode, preprocess ─► observer graph ─► pass 1: max |x| and min x per layer input
///                                                 ─► pass 2: histogram of |x| ─► the clip ─► input scale
///                                                 ─► pass 3: mean of each channel of x, as is and as int8 carries it
///  weights (batch norm folded) ─► max |w| per output channel ─► weight scales
///  means, weights and their int8 values ─► the mean shift of each output channel ─► bias correction
/// ```
/// Clipping at the least squared error (or a high percentile) instead of the maximum spends the 8 bits on the
/// values that occur, not on one outlier. Clipping moves the mean of what a layer sees, and rounding the weights
/// moves the mean of what it makes; each output channel's bias takes back that shift, as NNCF's bias correction
/// does for OpenVINO. On EfficientNet-Lite0's 150 dev photos it took the mean change of the top-1 probability
/// from 0.017 to 0.011 with VNNI (top-1 agreement 148 to 149), and from 0.013 to 0.007 capped at AVX2 (149 to 150).
public final class Calibrator {
    /// What a calibration of seeded random weights records instead of a file's SHA-256.
    public static let randomWeightsKey = "random"
    /// The histogram's resolution between 0 and a layer's largest |x|.
    static let bins = 2048

    public let classifier: Classifier
    /// The share of each layer input's |x| kept unclipped, in percent; nil: the clip with the least expected
    /// squared error (rounding inside the range, clipping outside it).
    public let percentile: Double?
    private let layers: [(name: String, input: ValueID, weight: Tensor, groups: Int)]
    /// The observed values (each layer's input, once), their place and size in the observer's output.
    private let values: [ValueID]
    /// The int8 layers whose output only residual sums read (calibrated for their own output scale).
    private let residualOnly: [ValueID]
    /// Whether each observed value's channels are its last axis (read by a linear layer) rather than its first.
    private let featuresLast: [Bool]
    private let offsets: [Int]
    private let observer: any CompiledModel

    /// - Parameter configuration: the model and weights to calibrate; precision and embeddings are ignored.
    public init(_ configuration: ClassifierConfiguration, percentile: Double? = nil) throws {
        var c = configuration
        (c.precision, c.calibration, c.embeddings, c.head) = (.fp32, nil, false, true)
        classifier = try Classifier(c)
        self.percentile = percentile
        let graph = classifier.graph
        layers = graph.quantizableNodes().compactMap { id in
            switch graph[id].op {
            case .conv2d(let conv): (graph[id].name, graph[id].inputs[0], conv.weight, conv.groups)
            case .linear(let linear): (graph[id].name, graph[id].inputs[0], linear.weight, 1)
            default: nil
            }
        }
        // The layers' inputs, and the outputs of int8 convolutions that only residual sums read (ResNet's
        // downsamples): with a scale of their own those are written as integers and summed as they are.
        let quantized = Set(layers.map(\.name))
        residualOnly = graph.nodes.indices.map(ValueID.init).filter { id in
            guard quantized.contains(graph[id].name), case .conv2d = graph[id].op else { return false }
            let readers = graph.nodes.filter { $0.inputs.contains(id) }
            return !readers.isEmpty && readers.allSatisfy { reader in
                reader.op.kind == "conv2d" && reader.residual == id && reader.inputs[0] != id
            }
        }
        var seen = Set<ValueID>()
        values = (layers.map(\.input) + residualOnly).filter { seen.insert($0).inserted }
        // A linear layer's input channels are its last axis (features of each token); a convolution's the first.
        let linearInputs = Set(layers.filter { $0.weight.shape.rank == 2 }.map(\.input))
        featuresLast = values.map(linearInputs.contains)
        var offset = graph.outputShape.elementCount
        offsets = values.map { value in
            defer { offset += graph[value].shape.elementCount }
            return offset
        }
        observer = try DNNLBackend(options: .init(threads: c.threads)).compile(graph.observing(values), batchSize: classifier.batchSize)
    }

    /// The number of layers int8 will run.
    public var layerCount: Int { layers.count }

    /// The scales for `images`, preprocessed tensors of `[count, 3, crop, crop]`.
    public func calibrate(_ images: [Float], count: Int) throws -> Calibration {
        guard count > 0 else { throw CalibrationError.noImages }
        // pass 1: the range of each observed value
        var peak = [Float](repeating: 0, count: values.count)
        var lowest = [Float](repeating: 0, count: values.count)
        try observe(images, count: count) { v, x in
            for e in x {
                peak[v] = max(peak[v], abs(e))
                lowest[v] = min(lowest[v], e)
            }
        }
        // pass 2: where the percentile of |x| falls
        var histograms = [[Int]](repeating: [Int](repeating: 0, count: Self.bins), count: values.count)
        try observe(images, count: count) { v, x in
            guard peak[v] > 0 else { return }
            let perBin = Float(Self.bins) / peak[v]
            for e in x { histograms[v][min(Int(abs(e) * perBin), Self.bins - 1)] += 1 }
        }
        var scaleOf: [ValueID: (scale: Float, unsigned: Bool)] = [:]
        for (v, value) in values.enumerated() {
            let unsigned = lowest[v] >= 0
            let levels = unsigned ? 255 : 127
            let clip = max(
                percentile.map { Self.clip(histograms[v], peak: peak[v], percentile: $0) }
                    ?? Self.leastSquaredErrorClip(histograms[v], peak: peak[v], levels: levels),
                Float.leastNormalMagnitude)
            scaleOf[value] = (clip / Float(levels), unsigned)
        }
        // pass 3: each channel's mean, as it is and as int8 carries it (with 8 bits, and 7 where unsigned inputs
        // take 7), for the bias corrections
        var result: [String: Calibration.Layer] = [:]
        for layer in layers {
            let (scale, unsigned) = scaleOf[layer.input]!
            result[layer.name] = Calibration.Layer(inputScale: scale, unsigned: unsigned, weightScales: Calibration.weightScales(layer.weight))
        }
        for id in residualOnly {
            let name = classifier.graph[id].name
            (result[name]!.outputScale, result[name]!.outputUnsigned) = scaleOf[id]!
        }
        let quantizedAs = values.map { Calibration.Layer(inputScale: scaleOf[$0]!.scale, unsigned: scaleOf[$0]!.unsigned, weightScales: []) }
        let means = try channelMeans(images, count: count, as: quantizedAs)
        for layer in layers {
            let v = values.firstIndex(of: layer.input)!
            // (a value read both by a convolution and a linear layer has its means along the linear's axis only)
            guard featuresLast[v] == (layer.weight.shape.rank == 2) else { continue }
            func correction(_ quantizedMean: [Double]) -> [Float] {
                result[layer.name]!.meanShift(weight: layer.weight, groups: layer.groups, mean: means[v].mean, quantizedMean: quantizedMean).map { Float(-$0) }
            }
            result[layer.name]!.biasCorrection = correction(means[v].int8)
            result[layer.name]!.biasCorrection7Bit = result[layer.name]!.unsigned ? correction(means[v].int7) : nil
        }
        return Calibration(
            model: classifier.entry.name, weightsSHA256: classifier.weightsFile?.sha256 ?? Self.randomWeightsKey,
            method: (percentile.map { "percentile \($0) of |x|" } ?? "least squared error clip of |x|")
                + " per layer input, symmetric; weights max |w| per output channel; bias corrected for the mean shift",
            images: count, layers: result)
    }

    /// The mean of each channel of each observed value over the images: as it is, and as int8 carries it, rounded
    /// and clipped to `int8`'s levels with 8 bits, and with 7 (its unsigned inputs without VNNI).
    private func channelMeans(
        _ images: [Float], count: Int, as int8: [Calibration.Layer]
    ) throws -> [(mean: [Double], int8: [Double], int7: [Double])] {
        let channelCounts = values.indices.map { v in
            let shape = observer.graph[values[v]].shape.dims
            return featuresLast[v] ? shape.last! : shape[0]
        }
        var sums = channelCounts.map { [[Double]](repeating: [Double](repeating: 0, count: $0), count: 3) }
        try observe(images, count: count) { v, x in
            let levels = [int8[v].inputLevels(sevenBit: false), int8[v].inputLevels(sevenBit: true)]
            let channels = channelCounts[v]
            let perChannel = x.count / channels
            for c in 0..<channels {
                // a convolution's channel is a plane (C, H, W); a linear layer's every channels-th value (..., C)
                let (start, end, step) = featuresLast[v] ? (c, x.count, channels) : (c * perChannel, (c + 1) * perChannel, 1)
                let part = stride(from: start, to: end, by: step).lazy.map { x[$0] }
                sums[v][0][c] += Double(part.reduce(0, +))
                for (i, (low, high, scale)) in levels.enumerated() {
                    sums[v][1 + i][c] += Double(part.reduce(0) { $0 + min(max(($1 / scale).rounded(.toNearestOrEven), low), high) } * scale)
                }
            }
        }
        return values.indices.map { v in
            let total = Double(count * observer.graph[values[v]].shape.elementCount / channelCounts[v])
            let means = sums[v].map { $0.map { $0 / total } }
            return (means[0], means[1], means[2])
        }
    }

    /// Runs the observer over the images in batches and hands each image's view of each value to `visit`.
    private func observe(_ images: [Float], count: Int, _ visit: (Int, UnsafeBufferPointer<Float>) -> Void) throws {
        let (n, width) = (classifier.imageElementCount, observer.graph.outputShape.elementCount)
        var output = [Float](repeating: 0, count: classifier.batchSize * width)
        for start in stride(from: 0, to: count, by: classifier.batchSize) {
            let size = min(classifier.batchSize, count - start)
            try images.withUnsafeBufferPointer { all in
                try output.withUnsafeMutableBufferPointer { out in
                    try observer.run(
                        input: UnsafeBufferPointer(rebasing: all[start * n..<(start + size) * n]), batchSize: size,
                        output: UnsafeMutableBufferPointer(rebasing: out[0..<size * width]))
                }
            }
            output.withUnsafeBufferPointer { out in
                for image in 0..<size {
                    for (v, value) in values.enumerated() {
                        let begin = image * width + offsets[v]
                        visit(v, UnsafeBufferPointer(rebasing: out[begin..<begin + observer.graph[value].shape.elementCount]))
                    }
                }
            }
        }
    }

    /// The clip `c` (a bin's upper edge) that minimises the expected squared error of quantizing |x| to `levels`
    /// steps of `c / levels`: each value below `c` is off by the rounding error (variance step² / 12), each value
    /// above by its distance to `c`.
    static func leastSquaredErrorClip(_ histogram: [Int], peak: Float, levels: Int) -> Float {
        let width = Double(peak) / Double(bins)
        var best = (error: Double.infinity, clip: peak)
        var below = 0.0  // observations in the bins under the candidate's edge
        for edge in 1...bins {
            below += Double(histogram[edge - 1])
            let clip = Double(edge) * width
            let step = clip / Double(levels)
            var error = below * step * step / 12
            for bin in edge..<bins where histogram[bin] > 0 {
                let distance = (Double(bin) + 0.5) * width - clip
                error += Double(histogram[bin]) * distance * distance
            }
            if error < best.error { best = (error, Float(clip)) }
        }
        return best.clip
    }

    /// The |x| below which `percentile` percent of the observations fall (the upper edge of that bin).
    static func clip(_ histogram: [Int], peak: Float, percentile: Double) -> Float {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return peak }
        let wanted = Double(total) * percentile / 100
        var seen = 0
        for (bin, count) in histogram.enumerated() {
            seen += count
            if Double(seen) >= wanted { return peak * Float(bin + 1) / Float(bins) }
        }
        return peak
    }
}

/// Why a calibration could not be made or read.
public enum CalibrationError: UserFacingError {
    case noImages
    case unreadable(String, detail: String)

    public var message: String {
        switch self {
        case .noImages: "no calibration image could be read"
        case .unreadable(let path, let detail): "\(path) is not a calibration file: \(detail)"
        }
    }

    public var hint: String? {
        switch self {
        case .noImages: "pass folders or files of images the model will see (a few hundred)"
        case .unreadable: "make one with `batchvision calibrate IMAGES --model M --weights W --output FILE`"
        }
    }
}

extension Calibration {
    /// The largest calibration file read: a real one is a few kilobytes per layer.
    static let maximumFileBytes = 64 << 20

    /// Reads and checks a calibration file (untrusted: its size is bounded and its format and version checked).
    public static func read(contentsOf path: String) throws -> Calibration {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw CalibrationError.unreadable(path, detail: "cannot read it") }
        guard size <= maximumFileBytes else { throw CalibrationError.unreadable(path, detail: "\(size) bytes, more than a calibration has") }
        let calibration: Calibration
        do {
            calibration = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: url))
        } catch {
            throw CalibrationError.unreadable(path, detail: "not the JSON `batchvision calibrate` writes")
        }
        guard calibration.format == Calibration.format else { throw CalibrationError.unreadable(path, detail: "format is '\(calibration.format)'") }
        guard calibration.version == Calibration.currentVersion else {
            throw CalibrationError.unreadable(path, detail: "version \(calibration.version); this batchvision reads version \(Calibration.currentVersion)")
        }
        let bad = calibration.layers.first { !($0.value.inputScale.isFinite && $0.value.inputScale > 0) || $0.value.weightScales.contains { !($0.isFinite && $0 > 0) } }
        if let bad { throw CalibrationError.unreadable(path, detail: "layer \(bad.key) has a scale that is not a positive number") }
        let badOutput = calibration.layers.first { _, layer in layer.outputScale.map { !($0.isFinite && $0 > 0) } ?? false }
        if let badOutput { throw CalibrationError.unreadable(path, detail: "layer \(badOutput.key) has an output scale that is not a positive number") }
        let badCorrection = calibration.layers.first { _, layer in
            [layer.biasCorrection, layer.biasCorrection7Bit].contains { correction in
                correction.map { $0.count != layer.weightScales.count || $0.contains { !$0.isFinite } } ?? false
            }
        }
        if let badCorrection {
            throw CalibrationError.unreadable(path, detail: "layer \(badCorrection.key) has a bias correction that is not one number per weight scale")
        }
        return calibration
    }

    /// The file's JSON: sorted keys, one layer per line group, readable in a diff.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

extension Calibrator {
    /// Decodes and preprocesses up to `limit` of `selection`'s inputs as the classifier does, in input order.
    ///
    /// - Returns: the tensors `[count, 3, crop, crop]`, their count, and the inputs that could not be read, with why.
    public func load(
        _ selection: InputSelection, limit: Int, decoder: ImageDecoder
    ) throws -> (images: [Float], count: Int, failures: [(path: String, error: String)]) {
        let listed = try selection.list()
        let fetcher = listed.s3?.fetcher() ?? LocalFileFetcher()
        let n = classifier.imageElementCount
        var images: [Float] = []
        var failures: [(String, String)] = []
        var count = 0
        for location in listed.locations where count < limit {
            do {
                let image = try decoder.decode(try fetcher.fetch(location))
                images.append(contentsOf: repeatElement(0, count: n))
                images.withUnsafeMutableBufferPointer { classifier.preprocessor.run(image, into: UnsafeMutableBufferPointer(rebasing: $0[count * n..<(count + 1) * n])) }
                count += 1
            } catch {
                failures.append((location, "\(error)"))
            }
        }
        return (images, count, failures)
    }
}
