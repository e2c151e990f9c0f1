/// Reads the legacy (pre-1.6, `_use_new_zipfile_serialization=False`) torch.save format.
///
/// ```
/// pickle: magic number 0x1950a86a20f9469cfc6c
/// pickle: protocol version 1001
/// pickle: sys info {protocol_version, little_endian, type_sizes}
/// pickle: the object, storages as persistent ids ('storage', type, key, location, numel, view)
/// pickle: list of storage keys
/// per key, in list order: int64 LE element count, then count × element size raw bytes
/// ```
/// This is torch's `_legacy_load` in `torch/serialization.py`, minus the tar variant of torch < 0.4.
enum TorchLegacyReader {
    /// `LONG1` payload of the magic number: little-endian two's complement.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    static func read(_ file: FileBytes) throws -> [(String, WeightTensor)] {
        let bytes = file.buffer
        // step 1: magic number and protocol version
        var header = Unpickler(bytes)
        guard case .bigInt(let number) = try header.load(), number == magic else {
            throw FormatProblem.malformed("wrong magic number; not a torch.save file, or corrupt")
        }
        var version = Unpickler(bytes, from: header.position)
        guard case .int(protocolVersion) = try version.load() else {
            throw FormatProblem.unsupported("legacy protocol version is not \(protocolVersion)")
        }
        // step 2: sys info; only little-endian files are read
        var sysInfo = Unpickler(bytes, from: version.position)
        let info = try sysInfo.load()
        if case .dict(let id) = info, case .bool(false)? = sysInfo.arena.dicts[id]["little_endian"] {
            throw FormatProblem.unsupported("checkpoint was saved on a big-endian machine")
        }
        // step 3: the object, which names its storages
        let table = StorageTable(maxBytes: bytes.count)
        var object = Unpickler(bytes, from: sysInfo.position, persistentLoad: table.load)
        let root = try object.load()
        // step 4: storage keys, then each storage's bytes in that order
        var keyList = Unpickler(bytes, from: object.position)
        let keys = try storageKeys(try keyList.load(), arena: keyList.arena)
        let regions = try readStorages(keys, table: table, file: file, from: keyList.position)
        // step 5: the state_dict
        return try StateDictAssembly.tensors(root: root, arena: object.arena, maxElements: bytes.count) { storage in
            guard let region = regions[storage.key] else { throw FormatProblem.malformed("storage \(storage.key) has no data in the file") }
            return region
        }
    }

    private static func storageKeys(_ value: PickleValue, arena: PickleArena) throws -> [String] {
        guard case .list(let id) = value else { throw FormatProblem.malformed("storage key list is a \(value.kindName)") }
        return try arena.lists[id].items.map { item in
            switch item {
            case .string(let key): return key
            case .int(let key): return String(key)
            default: throw FormatProblem.malformed("storage key is a \(item.kindName)")
            }
        }
    }

    /// Walks the storage records; each count must match its persistent id and fit in the file.
    private static func readStorages(_ keys: [String], table: StorageTable, file: FileBytes, from start: Int) throws -> [String: StorageRegion] {
        var reader = ByteReader(file.buffer, from: start, context: "storage data")
        var regions: [String: StorageRegion] = [:]
        for key in keys {
            guard let storage = table.byKey[key] else { throw FormatProblem.malformed("storage \(key) is listed but never used") }
            let count = try reader.read(Int64.self)
            guard count == Int64(storage.rootElementCount) else {
                throw FormatProblem.malformed("storage \(key) holds \(count) elements, but its tensor declares \(storage.rootElementCount)")
            }
            let byteCount = storage.rootElementCount * storage.dtype.byteCount  // bounded by the file size already
            let offset = reader.position
            try reader.skip(byteCount)
            regions[key] = StorageRegion(file: file, byteOffset: offset, elementCount: storage.rootElementCount, bigEndian: false)
        }
        return regions
    }
}
