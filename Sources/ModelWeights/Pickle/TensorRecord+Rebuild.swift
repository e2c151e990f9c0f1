/// Checks the arguments of `_rebuild_tensor_v2(storage, storage_offset, size, stride, ...)`.
///
/// The view must lie inside its storage: offset, sizes and strides come from the file, so every
/// product and sum is overflow-checked, and ranks and negative values are refused.
extension TensorRecord {
    init(rebuildArguments items: [PickleValue]) throws {
        guard items.count >= 4, case .storage(let storage) = items[0], case .int(let offset) = items[1],
            case .tuple(let sizeTuple) = items[2], case .tuple(let strideTuple) = items[3]
        else { throw FormatProblem.malformed("_rebuild_tensor_v2 is not given (storage, offset, size, stride)") }
        let sizes = try Self.integers(sizeTuple, "size")
        let strides = try Self.integers(strideTuple, "stride")
        guard sizes.count == strides.count else {
            throw FormatProblem.malformed("tensor has \(sizes.count) sizes but \(strides.count) strides")
        }
        guard sizes.count <= Limits.maxRank else { throw FormatProblem.unsupported("tensor rank \(sizes.count) exceeds \(Limits.maxRank)") }
        guard offset >= 0 else { throw FormatProblem.malformed("tensor storage offset \(offset) is negative") }
        try Self.checkInside(storage: storage, offset: offset, sizes: sizes, strides: strides)
        self.init(storage: storage, storageOffset: offset, sizes: sizes, strides: strides)
    }

    private static func integers(_ tuple: PickleTuple, _ what: String) throws -> [Int] {
        try tuple.items.map { item in
            guard case .int(let value) = item, value >= 0 else { throw FormatProblem.malformed("tensor \(what) holds \(item.kindName) that is not a non-negative int") }
            return value
        }
    }

    /// Throws unless the last element the view addresses lies inside the storage.
    private static func checkInside(storage: StorageReference, offset: Int, sizes: [Int], strides: [Int]) throws {
        let outside = FormatProblem.malformed(
            "tensor view (offset \(offset), size \(sizes), stride \(strides)) reaches past its storage of \(storage.elementCount) elements")
        guard !sizes.contains(0) else {
            guard offset <= storage.elementCount else { throw outside }
            return
        }
        var last = offset
        for (size, stride) in zip(sizes, strides) {
            let (step, overflow1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(step)
            guard !overflow1, !overflow2 else { throw outside }
            last = sum
        }
        guard last < storage.elementCount else { throw outside }
    }
}
