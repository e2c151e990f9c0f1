import ModelWeights
import TensorCore

/// Hands a model builder its parameters by state_dict key, checking each shape as it goes.
///
/// Builders ask for every parameter they need with the shape they expect; at the end ``finish()``
/// reports, in one error, every key that was missing, every shape that differed and every
/// checkpoint key the model never asked for — the full picture, not the first problem.
public protocol WeightSource: AnyObject {
    /// The tensor stored under `key`, which must have `shape`.
    func tensor(_ key: String, _ shape: Shape) -> Tensor
    /// The number of classes: the rows of the head's weight `head` (`[classes, features]`), so a
    /// fine-tuned head loads as it is.
    func classCount(head: String) -> Int
    /// The shape stored under `key`, for builders whose layout depends on the file (nil: not stored, or random).
    func shape(_ key: String) -> Shape?
    /// Marks every key starting with `prefix` as known but unused, so that ``finish()`` does not report it
    /// (GoogLeNet's and Inception V3's auxiliary heads, which only training runs; Swin's and MaxViT's
    /// `relative_position_index` buffers, which the builders compute from the window size).
    func ignore(prefix: String)
    /// Throws ``ModelLoadError`` listing every problem met so far.
    func finish() throws
}

extension WeightSource {
    /// A source that checks no keys has nothing to ignore.
    public func ignore(prefix: String) {}

    /// The number of classes of a convolutional head (SqueezeNet's): the output channels of `convHead`
    /// (`[classes, features, 1, 1]`), or ``classCount(head:)``'s answer when the source stores no shapes.
    public func classCount(convHead: String) -> Int {
        guard let shape = shape(convHead) else { return classCount(head: convHead) }
        return shape.rank == 4 && shape[0] >= 1 ? shape[0] : 1000  // `finish` reports the mismatch
    }
}

/// Why weights do not fit a model.
public struct ModelLoadError: UserFacingError {
    public let model: String
    public let problems: [String]

    public var message: String {
        let shown = problems.prefix(10).joined(separator: "; ")
        let more = problems.count > 10 ? "; and \(problems.count - 10) more" : ""
        return "weights do not fit \(model): \(shown)\(more)"
    }

    public var hint: String? { "check that --model matches the architecture the weights were trained for" }
}

/// Parameters from a checkpoint (`.pth` or `.safetensors`).
public final class StateDictWeights: WeightSource {
    private let stateDict: StateDict
    private let model: String
    private var requested: Set<String> = []
    private var ignoredPrefixes: [String] = []
    private var problems: [String] = []

    public init(_ stateDict: StateDict, model: String) {
        self.stateDict = stateDict
        self.model = model
    }

    public func tensor(_ key: String, _ shape: Shape) -> Tensor {
        requested.insert(key)
        guard let stored = stateDict[key] else {
            problems.append("missing \(key)")
            return Tensor(zeros: shape)
        }
        guard stored.shape == shape else {
            problems.append("\(key) has shape \(stored.shape), expected \(shape)")
            return Tensor(zeros: shape)
        }
        do {
            return Tensor(shape: shape, scalars: try stored.floats())
        } catch {
            problems.append("\(key): \(error)")
            return Tensor(zeros: shape)
        }
    }

    public func shape(_ key: String) -> Shape? { stateDict[key]?.shape }

    public func classCount(head: String) -> Int {
        guard let shape = stateDict[head]?.shape, shape.rank == 2, shape[0] >= 1 else { return 1000 }  // `finish` reports it
        return shape[0]
    }

    public func ignore(prefix: String) { ignoredPrefixes.append(prefix) }

    public func finish() throws {
        // BatchNorm's step counter is training state; no forward pass reads it.
        let unexpected = stateDict.keys.filter { key in
            !requested.contains(key) && !key.hasSuffix("num_batches_tracked") && !ignoredPrefixes.contains { key.hasPrefix($0) }
        }
        let all = problems + unexpected.map { "unexpected \($0)" }
        guard all.isEmpty else { throw ModelLoadError(model: model, problems: all) }
    }
}

/// Seeded random parameters of the right shapes, for benchmarks and tests without weight files.
///
/// Batch-norm statistics and affine parameters are random too (variance positive), so that
/// folding batch norm into convolutions is really exercised.
public final class RandomWeights: WeightSource {
    private var state: UInt64
    private let classes: Int

    /// - Parameter classes: the size of the head.
    public init(seed: UInt64 = 0x5EED, classes: Int = 1000) {
        state = seed | 1
        self.classes = classes
    }

    public func classCount(head: String) -> Int { classes }

    public func shape(_ key: String) -> Shape? { nil }

    public func tensor(_ key: String, _ shape: Shape) -> Tensor {
        let fanIn = shape.rank > 1 ? shape.dims.dropFirst().reduce(1, *) : 1
        let scale = (2 / Float(max(fanIn, 1))).squareRoot()
        // the key's kind decided once, not per element (string suffix tests were half of ResNet-152's load)
        let value: (Float) -> Float =
            if key.hasSuffix("running_var") { { 0.5 + $0 } }
            else if key.hasSuffix("running_mean") || key.hasSuffix(".bias") { { ($0 - 0.5) * 0.2 } }
            else if shape.rank == 1 { { 0.75 + 0.5 * $0 } }  // batch-norm gamma
            else { { ($0 * 2 - 1) * scale * 1.7 } }  // uniform with He-like variance
        let values = [Float](unsafeUninitializedCapacity: shape.elementCount) { buffer, count in
            for i in 0..<buffer.count { buffer[i] = value(nextUnit()) }
            count = buffer.count
        }
        return Tensor(shape: shape, scalars: values)
    }

    public func finish() throws {}

    /// Uniform in [0, 1), from a 64-bit xorshift.
    private func nextUnit() -> Float {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Float(state >> 40) / Float(1 << 24)
    }
}
