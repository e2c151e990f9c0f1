import TensorCore

/// Finds the state_dict inside an unpickled torch object and makes its tensors.
///
/// Training scripts often save `{"state_dict": sd, "epoch": ...}` or `{"model": sd, ...}`;
/// those wrappers are unwrapped. What remains must map names to tensors.
enum StateDictAssembly {
    /// Wrapper keys tried in order, as the torchvision reference scripts and timm write them.
    static let wrapperKeys = ["state_dict", "model"]

    /// Returns the named tensors in the dict's order.
    ///
    /// - Parameters:
    ///   - region: the bytes of a storage, by reference.
    ///   - maxElements: the most elements one tensor may have (the file's size).
    static func tensors(
        root: PickleValue, arena: PickleArena, maxElements: Int, region: (StorageReference) throws -> StorageRegion
    ) throws -> [(String, WeightTensor)] {
        let dict = try unwrap(root, arena: arena)
        var result: [(String, WeightTensor)] = []
        result.reserveCapacity(dict.entries.count)
        for (key, value) in dict.entries {
            guard case .string(let name) = key else { throw FormatProblem.unsupported("state_dict has a \(key.kindName) key; expected parameter names") }
            guard case .tensor(let record) = value else {
                throw FormatProblem.unsupported("state_dict entry '\(name)' is a \(value.kindName), not a tensor")
            }
            result.append((name, try makeTensor(record, region: try region(record.storage), maxElements: maxElements)))
        }
        return result
    }

    private static func unwrap(_ root: PickleValue, arena: PickleArena) throws -> PickleArena.Dict {
        guard case .dict(var id) = root else {
            throw FormatProblem.unsupported("checkpoint holds a \(root.kindName), not a state_dict; save model.state_dict() instead")
        }
        // Bounded: a wrapper of a wrapper is plausible, a deeper chain is not a checkpoint.
        for _ in 0..<4 {
            let dict = arena.dicts[id]
            guard let inner = wrapperKeys.lazy.compactMap({ key -> Int? in
                if case .dict(let innerID)? = dict[key] { return innerID } else { return nil }
            }).first else { break }
            id = inner
        }
        return arena.dicts[id]
    }

    private static func makeTensor(_ record: TensorRecord, region: StorageRegion, maxElements: Int) throws -> WeightTensor {
        try WeightTensor(
            shape: Shape(record.sizes), dtype: record.storage.dtype, strides: record.strides,
            elementOffset: record.storage.elementOffset + record.storageOffset, storage: region, maxElements: maxElements)
    }
}

