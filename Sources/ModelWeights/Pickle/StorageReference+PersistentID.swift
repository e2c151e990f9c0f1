/// Reads torch's persistent id `('storage', storage_type, key, location, numel[, view_metadata])`.
///
/// The zip format writes four fields after the tag, the legacy format five (the last is `None`
/// except in files from torch < 0.4, where it names a view `(view_key, offset, view_size)`).
/// `numel` is bounded by `maxBytes` (the file's size) before anything trusts it.
extension StorageReference {
    init(persistentID id: PickleTuple, maxBytes: Int) throws {
        let items = id.items
        guard let tag = items.first, Self.text(tag) == "storage" else {
            throw FormatProblem.unsupported("checkpoint pickles something other than tensors (persistent id \(items.first.map { Self.text($0) ?? $0.kindName } ?? "empty")); save model.state_dict() instead")
        }
        guard items.count == 5 || items.count == 6, case .global(.storageType(_, let dtype)) = items[1],
            let key = Self.key(items[2]), case .int(let numel) = items[4]
        else { throw FormatProblem.malformed("storage persistent id is not (storage_type, key, location, numel)") }
        guard numel >= 0, numel <= maxBytes / dtype.byteCount else {
            throw FormatProblem.malformed("storage \(key) declares \(numel) elements of \(dtype), more than the file's \(maxBytes) bytes can hold")
        }
        guard items.count == 6, case .tuple(let view) = items[5] else {
            self.init(key: key, dtype: dtype, rootElementCount: numel, elementOffset: 0, elementCount: numel)
            return
        }
        guard view.items.count == 3, case .int(let offset) = view.items[1], case .int(let size) = view.items[2],
            offset >= 0, size >= 0, size <= numel - offset
        else { throw FormatProblem.malformed("storage \(key) has an invalid view") }
        self.init(key: key, dtype: dtype, rootElementCount: numel, elementOffset: offset, elementCount: size)
    }

    /// Storage keys are strings in files from torch ≥ 1.0, ints in some older ones.
    private static func key(_ value: PickleValue) -> String? {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        default: nil
        }
    }

    /// Python 2 pickles may hold the tag as bytes.
    private static func text(_ value: PickleValue) -> String? {
        switch value {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }
}
