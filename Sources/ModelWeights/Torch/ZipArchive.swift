/// The central directory of a zip file, enough to find torch's stored (uncompressed) records.
///
/// torch's `PyTorchStreamWriter` (miniz) stores every record uncompressed and pads local headers
/// so data starts on a 64-byte boundary; that is what lets a record be used in place from a
/// memory map. Files over 4 GiB use zip64 fields, which are read here too. Layouts follow
/// PKWARE's APPNOTE.TXT sections 4.3.7 (local header), 4.3.12 (central directory), 4.3.14-16
/// (zip64 end records) and 4.5.3 (zip64 extra field).
struct ZipArchive {
    struct Entry {
        let name: String
        /// 0 is "stored"; anything else is compressed.
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    /// Entries in central-directory order.
    let entries: [Entry]
    private let bytes: UnsafeRawBufferPointer

    /// Parses the end record and central directory.
    ///
    /// - Throws: `FormatProblem.malformed` when a record is missing, truncated, or points outside the file.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        // step 1: end of central directory, then zip64's if the 32-bit fields overflowed
        var directory = try Self.findEndOfCentralDirectory(bytes)
        if directory.needsZip64 { directory = try Self.readZip64End(bytes, endRecordOffset: directory.endOffset) }
        // step 2: every central directory entry, bounded by the directory's size
        guard directory.count <= directory.size / 46, directory.offset <= bytes.count - directory.size else {
            throw FormatProblem.malformed("zip central directory (\(directory.count) entries at \(directory.offset)) lies outside the file")
        }
        var reader = ByteReader(bytes, from: directory.offset, end: directory.offset + directory.size, context: "zip central directory")
        var entries: [Entry] = []
        entries.reserveCapacity(directory.count)
        for _ in 0..<directory.count { entries.append(try Self.readCentralEntry(&reader)) }
        self.entries = entries
    }

    /// The byte range of a stored entry's data.
    ///
    /// - Throws: `FormatProblem` with kind `.compressedEntry` for a compressed entry.
    func dataRange(of entry: Entry) throws -> Range<Int> {
        guard entry.method == 0 else { throw FormatProblem(kind: .compressedEntry(entry.name), detail: "") }
        guard entry.compressedSize == entry.size else { throw FormatProblem.malformed("stored zip entry \(entry.name) has two different sizes") }
        var reader = ByteReader(bytes, from: 0, context: "zip local header of \(entry.name)")
        try reader.seek(to: entry.localHeaderOffset)
        guard try reader.read(UInt32.self) == 0x0403_4B50 else { throw FormatProblem.malformed("zip entry \(entry.name) has no local header") }
        try reader.skip(22)
        let nameLength = Int(try reader.read(UInt16.self))
        let extraLength = Int(try reader.read(UInt16.self))
        try reader.skip(nameLength + extraLength)
        let start = reader.position
        guard entry.size <= reader.remaining else { throw FormatProblem.malformed("zip entry \(entry.name) is truncated") }
        return start..<(start + entry.size)
    }

    // MARK: - End records

    private struct Directory {
        var count: Int
        var size: Int
        var offset: Int
        var endOffset: Int
        var needsZip64: Bool
    }

    /// Scans back from the end for the end-of-central-directory signature (it may be followed by a comment).
    private static func findEndOfCentralDirectory(_ bytes: UnsafeRawBufferPointer) throws -> Directory {
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var position = bytes.count - 22
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                var reader = ByteReader(bytes, from: position + 10, context: "zip end record")
                let count = try reader.read(UInt16.self)
                let size = try reader.read(UInt32.self)
                let offset = try reader.read(UInt32.self)
                return Directory(count: Int(count), size: Int(size), offset: Int(offset), endOffset: position,
                                 needsZip64: count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF)
            }
            position -= 1
        }
        throw FormatProblem.malformed("zip archive is truncated: no end of central directory record")
    }

    /// Reads the zip64 end record through the locator that sits just before the classic end record.
    private static func readZip64End(_ bytes: UnsafeRawBufferPointer, endRecordOffset: Int) throws -> Directory {
        var locator = ByteReader(bytes, from: 0, context: "zip64 end locator")
        try locator.seek(to: max(0, endRecordOffset - 20))
        guard endRecordOffset >= 20, try locator.read(UInt32.self) == 0x0706_4B50 else {
            throw FormatProblem.malformed("zip64 end locator is missing")
        }
        try locator.skip(4)
        let recordOffset = try locator.read(UInt64.self)
        var record = ByteReader(bytes, from: 0, context: "zip64 end record")
        guard recordOffset < UInt64(bytes.count) else { throw FormatProblem.malformed("zip64 end record lies outside the file") }
        try record.seek(to: Int(recordOffset))
        guard try record.read(UInt32.self) == 0x0606_4B50 else { throw FormatProblem.malformed("zip64 end record is missing") }
        try record.skip(28)
        let count = try record.read(UInt64.self)
        let size = try record.read(UInt64.self)
        let offset = try record.read(UInt64.self)
        let limit = UInt64(bytes.count)
        guard count <= limit, size <= limit, offset <= limit else { throw FormatProblem.malformed("zip64 end record declares sizes larger than the file") }
        return Directory(count: Int(count), size: Int(size), offset: Int(offset), endOffset: endRecordOffset, needsZip64: false)
    }

    // MARK: - Central directory entries

    private static func readCentralEntry(_ reader: inout ByteReader) throws -> Entry {
        guard try reader.read(UInt32.self) == 0x0201_4B50 else { throw FormatProblem.malformed("zip central directory entry has a bad signature") }
        try reader.skip(6)
        let method = try reader.read(UInt16.self)
        try reader.skip(8)
        var compressedSize = UInt64(try reader.read(UInt32.self))
        var size = UInt64(try reader.read(UInt32.self))
        let nameLength = Int(try reader.read(UInt16.self))
        let extraLength = Int(try reader.read(UInt16.self))
        let commentLength = Int(try reader.read(UInt16.self))
        try reader.skip(8)
        var offset = UInt64(try reader.read(UInt32.self))
        let name = try reader.readString(nameLength)
        var extra = ByteReader(reader.bytes, from: reader.position, end: reader.position + min(extraLength, reader.remaining), context: "zip extra field")
        try reader.skip(extraLength + commentLength)
        try readZip64Extra(&extra, size: &size, compressedSize: &compressedSize, offset: &offset)
        let limit = UInt64(reader.bytes.count)
        guard size <= limit, compressedSize <= limit, offset <= limit else {
            throw FormatProblem.malformed("zip entry \(name) declares a size or offset larger than the file")
        }
        return Entry(name: name, method: method, compressedSize: Int(compressedSize), size: Int(size), localHeaderOffset: Int(offset))
    }

    /// Replaces 0xFFFFFFFF fields with their 64-bit values from the zip64 extra field (id 1), in APPNOTE order.
    private static func readZip64Extra(_ extra: inout ByteReader, size: inout UInt64, compressedSize: inout UInt64, offset: inout UInt64) throws {
        guard size == 0xFFFF_FFFF || compressedSize == 0xFFFF_FFFF || offset == 0xFFFF_FFFF else { return }
        while extra.remaining >= 4 {
            let id = try extra.read(UInt16.self)
            let length = Int(try extra.read(UInt16.self))
            guard id == 1 else {
                try extra.skip(length)
                continue
            }
            if size == 0xFFFF_FFFF { size = try extra.read(UInt64.self) }
            if compressedSize == 0xFFFF_FFFF { compressedSize = try extra.read(UInt64.self) }
            if offset == 0xFFFF_FFFF { offset = try extra.read(UInt64.self) }
            return
        }
        throw FormatProblem.malformed("zip entry needs a zip64 extra field but has none")
    }
}
