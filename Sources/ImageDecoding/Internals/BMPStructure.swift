// MARK: - BMP headers, walked as Pillow 9.4's BmpImagePlugin walks them

/// The facts of a BMP (or headerless DIB) file that decide how its pixels are read, taken the
/// way Pillow 9.4's `BmpImageFile._bitmap` takes them, so that a file Pillow refuses is refused
/// here with the same reason.
///
/// Upstream: python-pillow/Pillow 9.4.0, `src/PIL/BmpImagePlugin.py`. Quirks kept on purpose:
/// - 2-bit files are refused ("Unsupported BMP pixel depth (2)"), as 9.4 has no `P;2` entry.
/// - The palette is "grey" only when entry `i` is exactly `(i, i, i)` (or black/white for two
///   colours); such files are mode `1` or `L`, and their rows are read with that rawmode.
/// - A palette over 256 entries is refused ("invalid palette size") when it is applied.
/// - The pixel offset moves past the palette only when it points right after the header.
struct BMPStructure {
    /// How the stored rows (or the RLE stream) are laid out.
    enum Encoding: Equatable {
        case raw
        case rle(fourBit: Bool)
    }

    let width: Int
    let height: Int
    /// Pillow's mode: "1", "L", "P", "RGB" or "RGBA".
    let mode: String
    let rawMode: BMPRawMode
    let encoding: Encoding
    /// Bytes between the starts of two stored rows (`0` for RLE).
    let stride: Int
    /// Rows are stored top row first.
    let topDown: Bool
    /// Where pixel data starts, from the file's start.
    let dataOffset: Int
    /// The palette as Pillow applies it to a `P` image.
    let palette: PaletteTable

    /// The header facts of `bytes`, which start with `BM` (or, with `headerless`, a DIB header).
    init(_ bytes: UnsafeRawBufferPointer, headerless: Bool = false) throws(ImageDecodingError) {
        // step 1: file header (14 bytes) with the pixel offset; a DIB has none
        var reader = FileReader(bytes, at: headerless ? 0 : 14)
        guard headerless || bytes.count >= 14, let fileOffset = headerless ? 0 : bytes.uint32(at: 10, bigEndian: false)
        else { throw .truncated(.bmp) }
        // step 2: the info header
        let info = try BMPInfoHeader(&reader)
        width = info.width
        height = info.height
        topDown = info.topDown
        // step 3: depth and compression decide the rawmode
        let colors = info.colors != 0 ? info.colors : (info.bits < 32 ? 1 << info.bits : 0)
        var offset = Int(fileOffset)
        if offset == 14 + info.headerSize && info.bits <= 8 { offset += 4 * colors }
        guard var raw = BMPRawMode.plain(bits: info.bits) else {
            throw .corrupt(.bmp, reason: "Unsupported BMP pixel depth (\(info.bits))")
        }
        var mode = raw.mode
        switch info.compression {
        case 0: encoding = .raw
        case 1, 2: encoding = .rle(fourBit: info.compression == 2)
        case 3:
            guard let masked = BMPRawMode.bitfields(bits: info.bits, masks: info.masks) else {
                throw .corrupt(.bmp, reason: "Unsupported BMP bitfields layout")
            }
            (raw, mode, encoding) = (masked, masked.mode, .raw)
        default: throw .corrupt(.bmp, reason: "Unsupported BMP compression (\(info.compression))")
        }
        // step 4: the palette, for 1/4/8-bit files
        var table = PaletteTable()
        if mode == "P" {
            guard colors > 0, colors <= 65536 else {
                throw .corrupt(.bmp, reason: "Unsupported BMP Palette size (\(colors))")
            }
            let padding = info.headerSize == 12 ? 3 : 4
            let entries = reader.read(padding * colors)
            if Self.isGrey(entries, colors: colors, padding: padding) {
                mode = colors == 2 ? "1" : "L"
                raw = colors == 2 ? .bilevel : .gray
            } else {
                guard entries.count / padding <= 256 else { throw .corrupt(.bmp, reason: "invalid palette size") }
                table.load(entries, entrySize: padding, blueFirst: true)
            }
        }
        self.mode = mode
        self.rawMode = raw
        self.palette = table
        // step 5: where the pixels are, and how far apart the rows
        dataOffset = offset != 0 ? offset : reader.position
        stride = encoding == .raw ? ((width * info.bits + 31) >> 3) & ~3 : 0
        guard width > 0, height > 0 else { throw .corrupt(.bmp, reason: "image has no pixels (\(width)x\(height))") }
    }

    /// Pillow's test: entry `i` is `(i, i, i)`, or black then white for a two-colour palette.
    private static func isGrey(_ entries: UnsafeRawBufferPointer, colors: Int, padding: Int) -> Bool {
        let values = colors == 2 ? [0, 255] : Array(0..<colors)
        for (index, value) in values.enumerated() {
            // Pillow compares with `o8(value) * 3`, and `o8` keeps the low byte.
            for channel in 0..<3 where entries.uint8(at: index * padding + channel) != UInt8(truncatingIfNeeded: value)
            {
                return false
            }
        }
        return true
    }
}

// MARK: - The info header

/// The fields of a BMP info header (OS/2 core, Windows v3/v4/v5, OS/2 v2) that Pillow reads.
struct BMPInfoHeader {
    let headerSize: Int
    let width: Int
    let height: Int
    let topDown: Bool
    let bits: Int
    let compression: Int
    let colors: Int
    /// Red, green, blue and alpha masks (BITFIELDS only; zero otherwise).
    let masks: [UInt32]

    init(_ reader: inout FileReader) throws(ImageDecodingError) {
        guard let size = reader.uint32() else { throw .truncated(.bmp) }
        headerSize = Int(size)
        let body = reader.read(max(0, headerSize - 4))
        guard body.count == max(0, headerSize - 4) else { throw .truncated(.bmp) }
        func u16(_ at: Int) -> Int { Int(body.uint16(at: at, bigEndian: false) ?? 0) }
        func u32(_ at: Int) -> UInt32 { body.uint32(at: at, bigEndian: false) ?? 0 }
        switch headerSize {
        case 12:
            (width, height, topDown, bits) = (u16(0), u16(2), false, u16(6))
            (compression, colors, masks) = (0, 0, [0, 0, 0, 0])
        case 40, 64, 108, 124:
            // A height with 0xFF in its top byte is negative: the rows are stored top-down.
            topDown = body[7] == 0xFF
            width = Int(u32(0))
            height = topDown ? (1 << 32) - Int(u32(4)) : Int(u32(4))
            (bits, compression, colors) = (u16(10), Int(u32(12)), Int(u32(28)))
            if compression != 3 {
                masks = [0, 0, 0, 0]
            } else if body.count >= 52 {
                masks = [u32(36), u32(40), u32(44), u32(48)]
            } else {
                // A 40-byte header keeps three masks after itself; the fourth is reserved, not alpha.
                guard let r = reader.uint32(), let g = reader.uint32(), let b = reader.uint32() else {
                    throw .truncated(.bmp)
                }
                masks = [r, g, b, 0]
            }
        default:
            throw .corrupt(.bmp, reason: "Unsupported BMP header type (\(headerSize))")
        }
    }
}
