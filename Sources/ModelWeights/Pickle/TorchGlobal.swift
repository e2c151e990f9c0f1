import TensorCore

/// The only globals a checkpoint may name: what a state_dict needs, and nothing that runs code.
///
/// Everything else (`os.system`, `builtins.eval`, a model class, ...) is refused by name when
/// the pickle mentions it, before anything is built from it.
enum TorchGlobal {
    case orderedDict
    case rebuildTensor
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case rebuildFromTypeV2
    /// `torch.Tensor` or `torch.nn.parameter.Parameter`, as the type argument of `_rebuild_from_type_v2`.
    case tensorType(String)
    case storageType(name: String, dtype: DType)

    /// Resolves `module.name`, or throws naming it.
    ///
    /// - Throws: `FormatProblem.refusedGlobal` for a global outside the allow-list, `.unsupported`
    ///   for a storage type whose element type has no `DType` (complex, quantized).
    init(module: String, name: String) throws {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch._tensor", "_rebuild_from_type_v2"): self = .rebuildFromTypeV2
        case ("torch", "Tensor"), ("torch.nn.parameter", "Parameter"): self = .tensorType("\(module).\(name)")
        case ("torch", _), ("torch.cuda", _):
            self = try Self.storageType(module: module, name: name)
        default:
            throw FormatProblem(kind: .refusedGlobal("\(module).\(name)"), detail: "")
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
        case .rebuildFromTypeV2: "torch._tensor._rebuild_from_type_v2"
        case .tensorType(let name): name
        case .storageType(let name, _): name
        }
    }

    // MARK: - Storage types

    /// Storage class names (also under `torch.cuda`, as old GPU-saved files have) and their element types.
    private static let storageDTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
        "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
        "UntypedStorage": .uint8,
    ]

    /// Storage types torch has but `DType` cannot hold; named so the error says what it is.
    private static let unsupportedStorages: Set<String> = [
        "ComplexFloatStorage", "ComplexDoubleStorage", "ComplexHalfStorage",
        "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage",
    ]

    private static func storageType(module: String, name: String) throws -> TorchGlobal {
        let qualified = "\(module).\(name)"
        if let dtype = storageDTypes[name] { return .storageType(name: qualified, dtype: dtype) }
        if unsupportedStorages.contains(name) {
            throw FormatProblem.unsupported("tensors of type \(qualified) are not supported (only real float, int and bool)")
        }
        throw FormatProblem(kind: .refusedGlobal(qualified), detail: "")
    }
}
