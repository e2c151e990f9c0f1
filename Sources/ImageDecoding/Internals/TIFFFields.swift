// MARK: - The first IFD as Pillow 9.4 reads it (its own parser, not libtiff's)

/// The tags of a TIFF's first directory that decide Pillow's mode and tiles, read the way
/// Pillow 9.4's `ImageFileDirectory_v2.load` reads them.
///
/// Pillow parses IFDs itself, even when libtiff decodes the pixels, and the two can disagree on
/// hostile files (duplicate tags, data past the end), so the mode comes from this view. Kept
/// from Pillow: a duplicate tag's last entry wins; an entry of unknown type or no data is
/// skipped; an entry whose data lies past the end of the file stops the walk ("Truncated File
/// Read"), leaving the later tags unread. BigTIFF is left to libtiff's view.
struct TIFFFields {
    private var tags: [UInt16: [Int]] = [:]
    /// Tags whose (last) entry is text, rational or floating-point.
    private var fractional: Set<UInt16> = []

    /// Reads the first IFD of a classic TIFF; nil for BigTIFF.
    init?(_ bytes: UnsafeRawBufferPointer) {
        let bigEndian = bytes.matches("MM", at: 0)
        guard bytes.uint16(at: 2, bigEndian: bigEndian) == 42, let first = bytes.uint32(at: 4, bigEndian: bigEndian)
        else {
            return nil
        }
        let offset = Int(first)
        guard let count = bytes.uint16(at: offset, bigEndian: bigEndian) else { return }
        for i in 0..<Int(count) {
            let entry = offset + 2 + 12 * i
            guard let tag = bytes.uint16(at: entry, bigEndian: bigEndian),
                let type = bytes.uint16(at: entry + 2, bigEndian: bigEndian),
                let n = bytes.uint32(at: entry + 4, bigEndian: bigEndian)
            else { return }
            guard let unit = Self.unitSize[Int(type)] else { continue }
            let size = Int(n) * unit
            var dataOffset = entry + 8
            if size > 4 {
                guard let at = bytes.uint32(at: entry + 8, bigEndian: bigEndian), let _ = bytes.slice(Int(at), size)
                else { return }
                dataOffset = Int(at)
            }
            guard size > 0, let data = bytes.slice(dataOffset, size) else { continue }
            tags[tag] = Self.integers(data, type: Int(type), count: Int(n), bigEndian: bigEndian)
            if [2, 5, 10, 11, 12].contains(type) { fractional.insert(tag) } else { fractional.remove(tag) }
        }
    }

    /// A tag's integer values (empty for non-integer types), or nil when absent.
    subscript(_ tag: UInt16) -> [Int]? { tags[tag] }

    /// A single-valued tag's value (Pillow keeps the first), or nil when absent.
    func scalar(_ tag: UInt16) -> Int? { tags[tag]?.first }

    /// Whether one of `tags` holds text, a rational or a float, which Pillow's `_setup` cannot
    /// use as an integer (a `TypeError` or a failed lookup, so an error).
    func hasFractional(_ tags: [UInt16]) -> Bool { tags.contains { fractional.contains($0) } }

    /// Bytes a value of each TIFF type takes (`TiffImagePlugin._load_dispatch`).
    private static let unitSize: [Int: Int] = [
        1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8,
    ]

    private static func integers(_ data: UnsafeRawBufferPointer, type: Int, count: Int, bigEndian: Bool) -> [Int] {
        (0..<count).compactMap { i -> Int? in
            switch type {
            case 1, 7: Int(data[i])
            case 6: Int(Int8(bitPattern: data[i]))
            case 3: data.uint16(at: 2 * i, bigEndian: bigEndian).map { Int($0) }
            case 8: data.uint16(at: 2 * i, bigEndian: bigEndian).map { Int(Int16(bitPattern: $0)) }
            case 4, 13: data.uint32(at: 4 * i, bigEndian: bigEndian).map { Int($0) }
            case 9: data.uint32(at: 4 * i, bigEndian: bigEndian).map { Int(Int32(bitPattern: $0)) }
            case 16:
                data.uint32(at: 8 * i + (bigEndian ? 4 : 0), bigEndian: bigEndian).map { Int($0) }
            default: nil
            }
        }
    }
}

/// TIFF tag numbers used here.
enum TIFFTag {
    static let width: UInt16 = 256, height: UInt16 = 257, bitsPerSample: UInt16 = 258, compression: UInt16 = 259
    static let photometric: UInt16 = 262, fillOrder: UInt16 = 266, stripOffsets: UInt16 = 273
    static let orientation: UInt16 = 274, samplesPerPixel: UInt16 = 277, rowsPerStrip: UInt16 = 278
    static let planar: UInt16 = 284, tileWidth: UInt16 = 322, tileLength: UInt16 = 323, tileOffsets: UInt16 = 324
    static let colorMap: UInt16 = 320, extraSamples: UInt16 = 338, sampleFormat: UInt16 = 339
}
