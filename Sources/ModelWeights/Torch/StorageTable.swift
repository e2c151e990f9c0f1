/// The storages a torch pickle names, by key, as its persistent ids declare them.
///
/// A storage may be named by many tensors (shared storages, views); every naming must agree on
/// element type and size, or the file is lying about one of them.
final class StorageTable {
    private(set) var byKey: [String: StorageReference] = [:]
    /// Keys in first-seen order.
    private(set) var keys: [String] = []
    /// The file's size: no storage may declare more bytes.
    let maxBytes: Int

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Reads a persistent id, records its storage, and returns it.
    func load(_ id: PickleTuple) throws -> StorageReference {
        let storage = try StorageReference(persistentID: id, maxBytes: maxBytes)
        if let known = byKey[storage.key] {
            guard known.dtype == storage.dtype, known.rootElementCount == storage.rootElementCount else {
                throw FormatProblem.malformed("storage \(storage.key) is declared twice with different types or sizes")
            }
        } else {
            byKey[storage.key] = storage
            keys.append(storage.key)
        }
        return storage
    }
}
