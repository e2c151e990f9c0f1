import DNNLBackend
import Foundation
import ImageNetModels
import InferenceGraph
import ModelWeights
import ReferenceBackend

/// Numeric precision for inference.
public enum Precision: String, Sendable, CaseIterable {
    case fp32, bf16
}

/// Which weights a classifier loads.
public enum WeightsChoice: Sendable {
    /// Resolved by ``WeightsResolver``: the given path, or the model's file in the usual places.
    case file(String?)
    /// Seeded random parameters (benchmarks, tests).
    case random(seed: UInt64)
}

/// Everything needed to build a ``Classifier``; the CLI's model options map onto it one to one.
public struct ClassifierConfiguration: Sendable {
    public var model: String = "resnet152"
    public var weights: WeightsChoice = .file(nil)
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var precision: Precision = .fp32
    public var batchSize: Int = 16
    /// nil: the model's own preset.
    public var preset: PreprocessPreset?
    /// Use the slow, obvious reference backend (an oracle for tests), not oneDNN.
    public var referenceBackend = false

    public init() {}
}

/// A model ready to classify: weights loaded, graph compiled, preprocessing chosen.
///
/// ```
///  RGBImage ─► Preprocessor ─► [N, 3, 224, 224] ─► CompiledModel ─► logits [N, 1000] ─► softmax, top-k
/// ```
/// Not safe to call from two threads at once (the compiled model owns its buffers).
public final class Classifier {
    public let entry: ModelEntry
    public let preset: PreprocessPreset
    public let preprocessor: Preprocessor
    public let batchSize: Int
    /// The weights file and its SHA-256, or nil for random weights.
    public let weightsFile: (path: String, sha256: String)?
    /// Seconds spent reading weights and compiling.
    public let loadSeconds: Double
    /// The implementations the backend chose, one line per primitive (for logs and `bench`).
    public let implementations: [String]
    let model: any CompiledModel

    public init(_ configuration: ClassifierConfiguration) throws {
        let start = Date()
        guard let entry = ModelCatalog.entry(named: configuration.model) else {
            throw ClassifierError.unknownModel(configuration.model)
        }
        guard (1...1024).contains(configuration.batchSize) else { throw ClassifierError.badBatchSize(configuration.batchSize) }
        self.entry = entry
        self.batchSize = configuration.batchSize
        preset = try (configuration.preset ?? entry.preset).validated()
        preprocessor = try Preprocessor(preset: preset)

        let source: WeightSource
        switch configuration.weights {
        case .random(let seed):
            source = RandomWeights(seed: seed)
            weightsFile = nil
        case .file(let path):
            let url = try WeightsResolver().resolve(entry, explicit: path)
            source = StateDictWeights(try Checkpoint.load(contentsOf: url), model: entry.name)
            weightsFile = (url.path, try Checkpoint.sha256(contentsOf: url))
        }
        let graph = try entry.graph(weights: source, size: preset.cropSize).optimized()
        let backend: any Backend
        if configuration.referenceBackend {
            backend = ReferenceBackend()
        } else {
            let precision: DNNLBackend.Precision = configuration.precision == .bf16 ? .bf16 : .fp32
            backend = DNNLBackend(options: .init(precision: precision, threads: configuration.threads))
        }
        model = try backend.compile(graph, batchSize: configuration.batchSize)
        implementations = try (model as? DNNLModel)?.implementations(batchSize: configuration.batchSize)
            .map { "\($0.step): \($0.implementation)" } ?? []
        loadSeconds = Date().timeIntervalSince(start)
    }

    /// "jit_1x1:avx2 ×104, jit:avx2 ×53, ...": how many primitives use each implementation.
    public var implementationTally: String {
        DNNLModel.tally(implementations.map { String($0.split(separator: ": ").last ?? Substring($0)) })
    }

    /// The number of floats one preprocessed image takes.
    public var imageElementCount: Int { preprocessor.elementCount }

    /// The number of logits per image.
    public var classCount: Int { model.graph.outputShape.elementCount }

    /// Runs `count` preprocessed images from `input` (`[count, 3, crop, crop]`) into `logits` (`[count, classes]`).
    public func logits(_ input: UnsafeBufferPointer<Float>, count: Int, into logits: UnsafeMutableBufferPointer<Float>) throws {
        try model.run(input: input, batchSize: count, output: logits)
    }

    /// Softmax and the `k` best classes of one image's logits.
    public func candidates(_ logits: UnsafeBufferPointer<Float>, k: Int) -> [Prediction.Candidate] {
        topK(logits, k: min(max(k, 1), logits.count), labels: entry.classNames)
    }
}

/// Why a classifier could not be built.
public enum ClassifierError: UserFacingError {
    case unknownModel(String)
    case badBatchSize(Int)

    public var message: String {
        switch self {
        case .unknownModel(let name): "unknown model '\(name)'"
        case .badBatchSize(let n): "batch size \(n) is out of range 1...1024"
        }
    }

    public var hint: String? {
        switch self {
        case .unknownModel: "`batchvision models` lists them: " + ModelCatalog.all.map(\.name).joined(separator: ", ")
        case .badBatchSize: nil
        }
    }
}
