import Crypto
import DNNLBackend
import Foundation
import ImageNetModels
import InferenceGraph
import ModelWeights
import ReferenceBackend

/// A model ready to classify: weights loaded, graph compiled, preprocessing chosen.
///
/// ```
///  RGBImage ─► Preprocessor ─► [N, 3, crop, crop] ─► body ─► features [N, F] ─► head ─► logits [N, classes]
/// ```
/// Without embeddings body and head are one compiled graph; with them the graph is cut at the
/// head's input (``Graph/splitHead()``) so the features can be read. Not safe to call from two
/// threads at once (the compiled models own their buffers).
public final class Classifier {
    public let entry: ModelEntry
    public let preset: PreprocessPreset
    public let preprocessor: Preprocessor
    public let batchSize: Int
    /// The weights file and its SHA-256, or nil for random weights.
    public let weightsFile: (path: String, sha256: String)?
    /// Seconds spent reading weights and compiling.
    public let loadSeconds: Double
    /// The implementations the backend chose, one "step: implementation" line per primitive.
    public let implementations: [String]
    /// The precision the model really runs in (bf16 falls back to fp32 without hardware support).
    public let precision: Precision
    /// The precision each convolution and linear layer runs in, as the backend built it (body, then head).
    public let layerPrecisions: LayerPrecisions
    /// The number of logits per image (also when the head does not run).
    public let classCount: Int
    /// The length of each image's embedding; 0 unless the configuration asked for embeddings.
    public let featureCount: Int
    /// Whether the head runs: false for embeddings alone.
    public let hasHead: Bool
    /// The name of each class, one per logit.
    public let labels: [String]
    /// What runs the model: "oneDNN on avx2", "oneDNN on avx512_core_amx", or the reference backend.
    public let engine: String
    /// The model's graph after batch-norm folding and fusion, as the backend compiled it.
    public let graph: Graph
    /// The SHA-256 of the int8 calibration in use, as `batchvision calibrate` writes it; nil unless int8.
    public let calibrationSHA256: String?
    private let body: any CompiledModel
    private let head: (any CompiledModel)?

    public init(_ configuration: ClassifierConfiguration) throws {
        let start = Date()
        guard let entry = ModelCatalog.entry(named: configuration.model) else {
            throw ClassifierError.unknownModel(configuration.model)
        }
        guard (1...1024).contains(configuration.batchSize) else { throw ClassifierError.badBatchSize(configuration.batchSize) }
        guard configuration.head || configuration.embeddings else { throw ClassifierError.nothingToCompute }
        self.entry = entry
        batchSize = configuration.batchSize
        let (source, file) = try Self.weights(configuration.weights, for: entry, classes: configuration.labels?.count)
        weightsFile = file
        preset = try configuration.preset.applied(
            to: try Self.basePreset(entry, file: file?.0, version: configuration.weightsPreset))
        preprocessor = try Preprocessor(preset: preset)

        let graph = try entry.graph(weights: source, size: preset.cropSize).optimized()
        self.graph = graph
        if configuration.precision == .int8, let calibration = configuration.calibration {
            try Self.check(calibration, model: entry.name, weightsSHA256: file?.1 ?? Calibrator.randomWeightsKey)
            calibrationSHA256 = SHA256.hash(data: try calibration.json()).map { String(format: "%02x", $0) }.joined()
        } else {
            calibrationSHA256 = nil
        }
        let backend = Self.backend(configuration)
        if configuration.embeddings {
            let (bodyGraph, headGraph) = try graph.splitHead()
            body = try backend.compile(bodyGraph, batchSize: batchSize)
            head = configuration.head ? try backend.compile(headGraph, batchSize: batchSize) : nil
            featureCount = bodyGraph.outputShape.elementCount
            classCount = headGraph.outputShape.elementCount
        } else {
            body = try backend.compile(graph, batchSize: batchSize)
            head = nil
            featureCount = 0
            classCount = graph.outputShape.elementCount
        }
        hasHead = configuration.head
        labels = try Self.labels(configuration.labels, classes: classCount, entry: entry)
        precision = body.precision
        engine = configuration.referenceBackend ? "the reference backend" : "oneDNN on \(CPUCapabilities.isa)"
        implementations = try body.implementations(batchSize: batchSize) + (head?.implementations(batchSize: batchSize) ?? [])
        layerPrecisions = try body.layerPrecisions(batchSize: batchSize) + (head?.layerPrecisions(batchSize: batchSize) ?? LayerPrecisions())
        loadSeconds = Date().timeIntervalSince(start)
    }

    /// One line for a run's summary when the CPU could go faster than the precision asked for, else nil.
    public var fasterPrecisionHint: String? {
        Self.fasterPrecisionHint(
            precision: precision, layers: layerPrecisions, nativeBF16: CPUCapabilities.nativePrecisions.contains(.bf16),
            isa: CPUCapabilities.isa)
    }

    /// The hint for a run in `precision` whose layers ran as `layers`, on a CPU with or without native bf16: fp32
    /// there leaves bf16's speed unused; int8 that kept layers in fp32 (depthwise convolutions, which lose accuracy
    /// in int8) can be slower than bf16 (EfficientNet-Lite0 at batch 16 on Zen 5: bf16 1.4x its int8).
    static func fasterPrecisionHint(precision: Precision, layers: LayerPrecisions, nativeBF16: Bool, isa: String) -> String? {
        guard nativeBF16 else { return nil }
        switch precision {
        case .fp32:
            return "this CPU runs bf16 natively (\(isa)): --precision bf16 is \(CPUCapabilities.bf16Speedup(isa: isa)) as fast "
                + "as fp32 here; check its agreement with fp32 on your images first (batchvision compare-precision)"
        case .int8:
            guard let float = layers.counts["fp32"], float > 0 else { return nil }
            return "\(float) of \(layers.layers.count) layers stayed fp32 under int8 (those int8 would lose accuracy on, "
                + "such as depthwise convolutions); with native bf16 here (\(isa)), --precision bf16 may be faster for "
                + "this model: `batchvision bench --precision bf16` measures it"
        case .bf16:
            return nil
        }
    }

    /// "jit_1x1:avx2 ×104, jit:avx2 ×53, ...": how many primitives use each implementation.
    public var implementationTally: String {
        DNNLModel.tally(implementations.map { String($0.split(separator: ": ").last ?? Substring($0)) })
    }

    /// The number of floats one preprocessed image takes.
    public var imageElementCount: Int { preprocessor.elementCount }

    /// Runs `count` preprocessed images from `input` (`[count, 3, crop, crop]`) into `logits` (`[count, classes]`)
    /// and, with embeddings, `features` (`[count, F]`).
    ///
    /// - Parameters:
    ///   - logits: `count * classCount` floats; ignored (may be empty) when the head does not run.
    ///   - features: `count * featureCount` floats; ignored (may be empty) without embeddings.
    public func run(
        _ input: UnsafeBufferPointer<Float>, count: Int, logits: UnsafeMutableBufferPointer<Float>,
        features: UnsafeMutableBufferPointer<Float>
    ) throws {
        guard let head else {
            try body.run(input: input, batchSize: count, output: featureCount > 0 ? features : logits)
            return
        }
        try body.run(input: input, batchSize: count, output: features)
        try head.run(input: UnsafeBufferPointer(features), batchSize: count, output: logits)
    }

    /// Runs `count` images into `logits` (`[count, classes]`), as PyTorch's `model(x)` does.
    public func logits(_ input: UnsafeBufferPointer<Float>, count: Int, into logits: UnsafeMutableBufferPointer<Float>) throws {
        var features = [Float](repeating: 0, count: count * featureCount)
        try features.withUnsafeMutableBufferPointer { try run(input, count: count, logits: logits, features: $0) }
    }

    /// A decoder for this model's inputs (see ``PreprocessPreset/decoder(_:fastDecode:)``).
    public func decoder(_ options: DecodeOptions, fastDecode: Bool) -> ImageDecoder {
        preset.decoder(options, fastDecode: fastDecode)
    }

    // MARK: - Steps

    private static func weights(_ choice: WeightsChoice, for entry: ModelEntry, classes: Int?) throws -> (WeightSource, (String, String)?) {
        switch choice {
        case .random(let seed):
            return (RandomWeights(seed: seed, classes: classes ?? entry.classNames.count), nil)
        case .file(let path):
            let url = try WeightsResolver().resolve(entry, explicit: path)
            let source = StateDictWeights(try Checkpoint.load(contentsOf: url), model: entry.name)
            return (source, (url.path, try Checkpoint.sha256(contentsOf: url)))
        }
    }

    /// The preset of the weights: `--weights-preset`, else the known file the weights are, else the default.
    private static func basePreset(_ entry: ModelEntry, file: String?, version: String?) throws -> PreprocessPreset {
        if let version {
            guard let known = entry.known(version: version) else {
                throw ClassifierError.unknownWeightsPreset(version, model: entry.name, known: entry.knownWeights.map(\.version))
            }
            return known.preset ?? entry.preset
        }
        let name = file.map { URL(fileURLWithPath: $0).lastPathComponent }
        return name.flatMap(entry.known(fileName:))?.preset ?? entry.preset
    }

    /// `given` when it names every output, else the entry's names when they fit, else `class_0`, `class_1`, ...
    private static func labels(_ given: [String]?, classes: Int, entry: ModelEntry) throws -> [String] {
        if let given {
            guard given.count == classes else { throw ClassifierError.labelCount(given.count, head: classes) }
            return given
        }
        return entry.classNames.count == classes ? entry.classNames : (0..<classes).map { "class_\($0)" }
    }

    private static func backend(_ configuration: ClassifierConfiguration) -> any Backend {
        if configuration.referenceBackend { return ReferenceBackend() }
        return DNNLBackend(
            options: .init(precision: configuration.precision, calibration: configuration.calibration, threads: configuration.threads))
    }

    /// A calibration belongs to one model's weights: scales of other weights would run, and be wrong.
    private static func check(_ calibration: Calibration, model: String, weightsSHA256: String) throws {
        guard calibration.model == model, calibration.weightsSHA256 == weightsSHA256 else {
            throw ClassifierError.calibrationMismatch(
                made: "\(calibration.model) weights \(calibration.weightsSHA256.prefix(12))", running: "\(model) weights \(weightsSHA256.prefix(12))")
        }
    }
}

/// Why a classifier could not be built.
public enum ClassifierError: UserFacingError {
    case unknownModel(String)
    case badBatchSize(Int)
    case nothingToCompute
    case labelCount(Int, head: Int)
    case unknownWeightsPreset(String, model: String, known: [String])
    case calibrationMismatch(made: String, running: String)

    public var message: String {
        switch self {
        case .labelCount(let given, let head): "--labels has \(given) names but the model's head has \(head) outputs"
        case .unknownWeightsPreset(let version, let model, let known):
            "\(model) has no weights '\(version)' (known: \(known.joined(separator: ", ")))"
        case .unknownModel(let name): "unknown model '\(name)'"
        case .badBatchSize(let n): "batch size \(n) is out of range 1...1024"
        case .nothingToCompute: "--no-head leaves nothing to compute"
        case .calibrationMismatch(let made, let running): "the calibration was made for \(made), not \(running)"
        }
    }

    public var hint: String? {
        switch self {
        case .unknownModel: "`batchvision models` lists them: " + ModelCatalog.all.map(\.name).joined(separator: ", ")
        case .badBatchSize: nil
        case .nothingToCompute: "pass --emit embeddings with --no-head"
        case .labelCount: "give one label per output, in the order of the head's rows"
        case .unknownWeightsPreset: "pass one of those to --weights-preset, or --resize/--crop/--mean/--std"
        case .calibrationMismatch: "calibrate these weights: `batchvision calibrate IMAGES --model M --weights W --output FILE`"
        }
    }
}

extension PreprocessPreset {
    /// A decoder for images this preset will preprocess: `options`, and with `fastDecode` JPEG DCT
    /// scaling down to no less than the resize size (the only decode option a preset decides).
    public func decoder(_ options: DecodeOptions, fastDecode: Bool) -> ImageDecoder {
        var options = options
        if fastDecode { options.jpegMinimumShorterSide = resizeSize }
        return ImageDecoder(options: options)
    }
}
