// MARK: - BMP rawmodes: Pillow's unpackers for stored BMP rows, straight to RGB

/// A Pillow rawmode a BMP row can be stored in, and what `convert("RGB")` makes of it.
///
/// Upstream: python-pillow/Pillow 9.4.0 `src/libImaging/Unpack.c` (`unpack1`, `unpackP1`,
/// `unpackP4`, `ImagingUnpackBGR15`/`BGR16`, `BGRX`, `XBGR`, `ABGR`, `BGRA`) and
/// `BmpImagePlugin.py` (`BIT2MODE`, the BITFIELDS `MASK_MODES`). 5/6-bit channels scale as
/// `v * 255 / max` in integers; alpha is dropped.
enum BMPRawMode: Equatable {
    /// "1": one bit a pixel, set is white.
    case bilevel
    /// "L": one byte a pixel.
    case gray
    /// "P;1", "P;4", "P": palette indices of 1, 4 or 8 bits.
    case palette(bits: Int)
    case bgr15, bgr16, bgr, bgrx, xbgr, abgr, rgba, bgra

    /// The rawmode of an uncompressed file of `bits` bits a pixel (`BIT2MODE`).
    static func plain(bits: Int) -> BMPRawMode? {
        switch bits {
        case 1, 4, 8: .palette(bits: bits)
        case 16: .bgr15
        case 24: .bgr
        case 32: .bgrx
        default: nil
        }
    }

    /// The rawmode of a BITFIELDS file, or nil for a layout Pillow refuses.
    static func bitfields(bits: Int, masks: [UInt32]) -> BMPRawMode? {
        let rgb = Array(masks.prefix(3))
        switch (bits, bits == 32 ? masks : rgb) {
        case (32, [0xFF0000, 0xFF00, 0xFF, 0]): return .bgrx
        case (32, [0xFF00_0000, 0xFF0000, 0xFF00, 0]): return .xbgr
        case (32, [0xFF00_0000, 0xFF0000, 0xFF00, 0xFF]): return .abgr
        case (32, [0xFF, 0xFF00, 0xFF0000, 0xFF00_0000]): return .rgba
        case (32, [0xFF0000, 0xFF00, 0xFF, 0xFF00_0000]), (32, [0, 0, 0, 0]): return .bgra
        case (24, [0xFF0000, 0xFF00, 0xFF]): return .bgr
        case (16, [0xF800, 0x7E0, 0x1F]): return .bgr16
        case (16, [0x7C00, 0x3E0, 0x1F]): return .bgr15
        default: return nil
        }
    }

    /// Pillow's mode for an image read with this rawmode.
    var mode: String {
        switch self {
        case .bilevel: "1"
        case .gray: "L"
        case .palette: "P"
        case .abgr, .rgba, .bgra: "RGBA"
        default: "RGB"
        }
    }

    /// Bits one pixel takes in a stored row.
    var bitsPerPixel: Int {
        switch self {
        case .bilevel: 1
        case .gray: 8
        case .palette(let bits): bits
        case .bgr15, .bgr16: 16
        case .bgr: 24
        default: 32
        }
    }

    /// Converts the first `width` pixels of `row` to RGB in `line` (`width * 3` bytes).
    func unpack(
        _ row: UnsafeRawBufferPointer, width: Int, palette: PaletteTable, into line: UnsafeMutableBufferPointer<UInt8>
    ) {
        func put(_ x: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            (line[3 * x], line[3 * x + 1], line[3 * x + 2]) = (r, g, b)
        }
        switch self {
        case .bilevel:
            for x in 0..<width {
                let v: UInt8 = row[x >> 3] & (0x80 >> UInt8(x & 7)) != 0 ? 255 : 0
                put(x, v, v, v)
            }
        case .gray:
            for x in 0..<width { put(x, row[x], row[x], row[x]) }
        case .palette(let bits):
            palette.rgb.withUnsafeBufferPointer { table in
                for x in 0..<width {
                    let i = Int(Self.index(row, x, bits: bits)) * 3
                    put(x, table[i], table[i + 1], table[i + 2])
                }
            }
        case .bgr15, .bgr16:
            for x in 0..<width {
                let p = Int(row[2 * x]) | Int(row[2 * x + 1]) << 8
                let (green, redShift) = self == .bgr15 ? ((p >> 5 & 31) * 255 / 31, 10) : ((p >> 5 & 63) * 255 / 63, 11)
                put(x, UInt8((p >> redShift & 31) * 255 / 31), UInt8(green), UInt8((p & 31) * 255 / 31))
            }
        case .bgr:
            for x in 0..<width { put(x, row[3 * x + 2], row[3 * x + 1], row[3 * x]) }
        case .bgrx, .bgra:
            for x in 0..<width { put(x, row[4 * x + 2], row[4 * x + 1], row[4 * x]) }
        case .xbgr, .abgr:
            for x in 0..<width { put(x, row[4 * x + 3], row[4 * x + 2], row[4 * x + 1]) }
        case .rgba:
            for x in 0..<width { put(x, row[4 * x], row[4 * x + 1], row[4 * x + 2]) }
        }
    }

    /// The `x`-th index of a row packed at 1, 4 or 8 bits, most significant bits first.
    @inline(__always)
    private static func index(_ row: UnsafeRawBufferPointer, _ x: Int, bits: Int) -> UInt8 {
        switch bits {
        case 1: row[x >> 3] >> UInt8(7 - x & 7) & 1
        case 4: x & 1 == 0 ? row[x >> 1] >> 4 : row[x >> 1] & 0x0F
        default: row[x]
        }
    }
}
