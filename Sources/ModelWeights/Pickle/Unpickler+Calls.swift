/// What the allowed globals do when a pickle calls them (`REDUCE`).
///
/// Each mirrors the torch function of the same name (`torch/_utils.py`, `torch/_tensor.py`)
/// as far as a state_dict needs: tensors become ``TensorRecord``s, `OrderedDict()` a dict.
extension Unpickler {
    mutating func call(_ callable: PickleValue, _ arguments: PickleTuple) throws -> PickleValue {
        guard case .global(let global) = callable else {
            throw FormatProblem.malformed("pickle calls a \(callable.kindName), which is not callable")
        }
        let items = arguments.items
        switch global {
        case .orderedDict:
            return try makeOrderedDict(items)
        case .rebuildTensor, .rebuildTensorV2:
            return .tensor(try TensorRecord(rebuildArguments: items))
        case .rebuildParameter, .rebuildParameterWithState:
            // (data, requires_grad, backward_hooks[, state]): the parameter is its data.
            guard let data = items.first, case .tensor = data else {
                throw FormatProblem.malformed("\(global.qualifiedName) is not given a tensor")
            }
            return data
        case .rebuildFromTypeV2:
            // (func, type, args, state): a tensor subclass rebuilt by `func(*args)`; only plain
            // tensors and parameters are allowed as `type`.
            guard items.count == 4, case .global(let function) = items[0], case .global(.tensorType) = items[1],
                case .tuple(let innerArguments) = items[2], function.rebuildsTensor
            else { throw FormatProblem.malformed("torch._tensor._rebuild_from_type_v2 has unexpected arguments") }
            return try call(.global(function), innerArguments)
        case .tensorType, .storageType:
            throw FormatProblem.unsupported("checkpoint constructs \(global.qualifiedName) directly, which a state_dict never does")
        }
    }

    /// `OrderedDict()` or `OrderedDict([(key, value), ...])`.
    private mutating func makeOrderedDict(_ items: [PickleValue]) throws -> PickleValue {
        let dict = newDict()
        guard case .dict(let id) = dict else { return dict }
        guard let source = items.first else { return dict }
        let pairs: [PickleValue] = switch source {
        case .list(let listID): arena.lists[listID].items
        case .tuple(let tuple): tuple.items
        default: throw FormatProblem.malformed("OrderedDict is built from a \(source.kindName)")
        }
        for pair in pairs {
            guard case .tuple(let kv) = pair, kv.items.count == 2 else { throw FormatProblem.malformed("OrderedDict item is not a pair") }
            arena.dicts[id].set(kv.items[0], kv.items[1])
        }
        return dict
    }
}

extension TorchGlobal {
    /// Whether calling this global yields a tensor.
    var rebuildsTensor: Bool {
        switch self {
        case .rebuildTensor, .rebuildTensorV2, .rebuildParameter, .rebuildParameterWithState: true
        default: false
        }
    }
}
