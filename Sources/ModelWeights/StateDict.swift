import TensorCore

/// The named tensors of a checkpoint, in file order.
public struct StateDict: Sendable {
    public let format: CheckpointFormat
    /// The file name or label the tensors came from, used in error messages.
    public let source: String
    private let orderedKeys: [String]
    private let tensors: [String: WeightTensor]

    /// The prefix `nn.DataParallel` and `DistributedDataParallel` put on every key of a wrapped model.
    static let dataParallelPrefix = "module."

    /// Entries in file order; when every key starts with `module.` (a model saved while wrapped in
    /// `nn.DataParallel`), the prefix is dropped, as `model.module.state_dict()` would have saved it.
    init(format: CheckpointFormat, source: String, entries: [(String, WeightTensor)]) {
        self.format = format
        self.source = source
        let prefix = Self.dataParallelPrefix
        let wrapped = !entries.isEmpty && entries.allSatisfy { $0.0.hasPrefix(prefix) }
        var tensors: [String: WeightTensor] = [:]
        var keys: [String] = []
        for (name, tensor) in entries {
            let key = wrapped ? String(name.dropFirst(prefix.count)) : name
            if tensors.updateValue(tensor, forKey: key) == nil { keys.append(key) }
        }
        self.orderedKeys = keys
        self.tensors = tensors
    }

    /// Parameter names in file order.
    public var keys: [String] { orderedKeys }
    public var count: Int { orderedKeys.count }
    public subscript(key: String) -> WeightTensor? { tensors[key] }

    /// Checks the tensors against a model's parameter shapes, reporting every problem in one error.
    ///
    /// `num_batches_tracked` buffers are not required to be expected: torchvision models have
    /// them, but inference never reads them.
    ///
    /// - Throws: ``CheckpointError/mismatch(source:missing:unexpected:shapeMismatches:)`` listing
    ///   missing keys, unexpected keys and shape mismatches.
    public func validate(expected: [String: Shape]) throws {
        let missing = expected.keys.filter { tensors[$0] == nil }.sorted()
        let unexpected = orderedKeys.filter { expected[$0] == nil && !$0.hasSuffix("num_batches_tracked") }
        let shapeMismatches = orderedKeys.compactMap { key -> String? in
            guard let want = expected[key], let have = tensors[key]?.shape, have != want else { return nil }
            return "\(key): checkpoint \(have) vs model \(want)"
        }
        guard missing.isEmpty, unexpected.isEmpty, shapeMismatches.isEmpty else {
            throw CheckpointError.mismatch(source: source, missing: missing, unexpected: unexpected, shapeMismatches: shapeMismatches)
        }
    }
}
