/// Reads the zip format torch.save writes by default since torch 1.6.
///
/// ```
/// <top>/data.pkl      the object; storages as persistent ids ('storage', type, key, location, numel)
/// <top>/data/<key>    each storage's raw bytes, stored uncompressed, 64-byte aligned
/// <top>/byteorder     "little" or "big" (torch ≥ 2.1; absent means little)
/// <top>/version
/// ```
/// `<top>` is any folder name (torch uses the file's stem or "archive"). This is torch's `_load`
/// in `torch/serialization.py`.
enum TorchZipReader {
    static func read(_ file: FileBytes) throws -> [(String, WeightTensor)] {
        let archive = try ZipArchive(file.buffer)
        // step 1: find <top>/data.pkl; a TorchScript archive has code/ and constants.pkl beside it
        guard let pickle = archive.entries.first(where: { isRecord($0.name, "data.pkl") }) else {
            if archive.entries.contains(where: { isRecord($0.name, "constants.pkl") }) { throw FormatProblem(kind: .torchScript, detail: "") }
            throw FormatProblem.malformed("zip archive holds no <folder>/data.pkl, so it is not a torch.save checkpoint")
        }
        let top = String(pickle.name.dropLast("data.pkl".count))
        let records = Dictionary(archive.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if records["\(top)constants.pkl"] != nil || archive.entries.contains(where: { $0.name.hasPrefix("\(top)code/") }) {
            throw FormatProblem(kind: .torchScript, detail: "")
        }
        // step 2: byte order of the storages
        let bigEndian = try readByteOrder(records["\(top)byteorder"], archive: archive, file: file)
        // step 3: unpickle; each storage key is the record data/<key>
        let table = StorageTable(maxBytes: file.buffer.count)
        let pickleRange = try archive.dataRange(of: pickle)
        var unpickler = Unpickler(file.buffer, from: pickleRange.lowerBound, end: pickleRange.upperBound, persistentLoad: table.load)
        let root = try unpickler.load()
        // step 4: the state_dict, each storage checked against its record's size
        var regions: [String: StorageRegion] = [:]
        return try StateDictAssembly.tensors(root: root, arena: unpickler.arena, maxElements: file.buffer.count) { storage in
            if let region = regions[storage.key] { return region }
            guard let entry = records["\(top)data/\(storage.key)"] else {
                throw FormatProblem.malformed("storage record data/\(storage.key) is missing from the archive")
            }
            let range = try archive.dataRange(of: entry)
            guard storage.rootElementCount <= range.count / storage.dtype.byteCount else {
                throw FormatProblem.malformed("storage record data/\(storage.key) has \(range.count) bytes, fewer than its \(storage.rootElementCount) \(storage.dtype) elements")
            }
            let region = StorageRegion(file: file, byteOffset: range.lowerBound, elementCount: storage.rootElementCount, bigEndian: bigEndian)
            regions[storage.key] = region
            return region
        }
    }

    /// Whether `name` is `<one folder>/<record>` (or the bare record).
    private static func isRecord(_ name: String, _ record: String) -> Bool {
        guard name.hasSuffix(record) else { return false }
        let folder = name.dropLast(record.count)
        return folder.isEmpty || (folder.hasSuffix("/") && folder.dropLast().firstIndex(of: "/") == nil)
    }

    private static func readByteOrder(_ entry: ZipArchive.Entry?, archive: ZipArchive, file: FileBytes) throws -> Bool {
        guard let entry else { return false }
        let range = try archive.dataRange(of: entry)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: file.buffer[range]), as: UTF8.self)
        switch text.filter({ !$0.isWhitespace }) {
        case "little": return false
        case "big": return true
        default: throw FormatProblem.malformed("byteorder record says '\(text.prefix(20))', not little or big")
        }
    }
}
