import CImageCodecs

// MARK: - TIFF modes: Pillow 9.4's OPEN_INFO table, for the modes it converts to RGB

/// How the samples of a TIFF's first page become Pillow's mode, and how `convert("RGB")` then
/// reads them; built from libtiff's view of the first directory with Pillow's rules.
///
/// Upstream: python-pillow/Pillow 9.4.0 `src/PIL/TiffImagePlugin.py` (`OPEN_INFO`, `_setup`)
/// and `src/libImaging/TiffDecode.c`. Kept from Pillow:
/// - the key is (photometric, sample format, bits per sample, extra samples); a key Pillow's
///   table lacks is refused ("unknown pixel mode"), e.g. 8-bit signed gray or 32-bit RGB;
/// - a missing photometric tag counts as 0 (min-is-white); old-style JPEG is YCbCr;
/// - several samples with a non-integer sample format are refused;
/// - `FillOrder` 2 on uncompressed data is read only for the rawmodes Pillow has a reversed
///   variant of (1/2/4/8-bit gray and palette, 16-bit gray, 8-bit RGB);
/// - YCbCr is read through libjpeg's RGB conversion for new-style JPEG, and through libtiff's
///   RGBA interface otherwise, as `TiffDecode.c` does;
/// - LAB goes to RGB through LittleCMS (Pillow's `convert` calls `ImageCms` for it).
struct TIFFLayout {
    /// What one pixel's samples are, for the conversion to RGB.
    enum Pixels: Equatable {
        case bilevel(whiteIsZero: Bool)
        case gray(bits: Int, whiteIsZero: Bool)
        /// `I;16`, `I;12`, `I;16S`, `I;32`: integers clipped to 0...255 (signed where `signed`).
        case integer(signed: Bool)
        /// `F`: floats clipped to 0...255 and truncated, as `f2l`.
        case float
        case grayAlpha
        /// RGB (8 or 16 bits a sample); `premultiplied` alpha (extra sample 1) is divided out.
        case rgb(premultiplied: Bool)
        case palette
        case cmyk
        /// YCbCr, converted by libjpeg or libtiff: 3 (JPEG) or 4 (RGBA) bytes a pixel.
        case decodedRGB
        /// CIE L*a*b* (a and b signed), converted to sRGB by LittleCMS as Pillow's ImageCms does.
        case lab
    }

    let width: Int
    let height: Int
    let samplesPerPixel: Int
    let bitsPerSample: Int
    let planar: Bool
    let mode: String
    let pixels: Pixels
    let read: Codecs.TIFFRead
    let palette: PaletteTable

    /// Uncompressed files are read by Pillow's own raw reader (``TIFFRawTiles``), not libtiff.
    let rawTiles: TIFFRawTiles?
    /// The orientation tag, which Pillow applies after loading (`TiffImageFile.load_end`).
    let orientation: Int?
    /// `FillOrder` 2 on uncompressed data: Pillow's `;R` rawmodes reverse the bits of each byte.
    let reversedBits: Bool

    /// The layout from Pillow's view of the tags (`fields`; libtiff's `h` for BigTIFF).
    init(_ h: bv_tiff_header, fields: TIFFFields?, bigEndian: Bool) throws(ImageDecodingError) {
        let tags = try Self.pillowTags(h, fields)
        (width, height) = (tags.width, tags.height)
        let (photo, spp, bps) = (tags.photometric, tags.samplesPerPixel, tags.bitsPerSample)
        guard spp == 1 || tags.sampleFormat == 1,
            let (mode, pixels) = Self.lookup(
                photo: photo, format: tags.sampleFormat, bps: bps, spp: spp, extra: tags.extra, bigEndian: bigEndian)
        else {
            throw .corrupt(
                .tiff,
                reason: "unknown pixel mode (photometric \(photo), \(spp)x\(bps) bits, format \(tags.sampleFormat))")
        }
        let raw = tags.compression == 1 && fields != nil
        // The key is looked up with the file's fill order before libtiff's path drops it.
        let reversible = Self.hasReversedRawMode(photo: photo, bps: bps, spp: spp, bigEndian: bigEndian)
        guard tags.fillOrder == 1 || (tags.fillOrder == 2 && reversible) else {
            throw .corrupt(.tiff, reason: "unknown pixel mode (fill order \(tags.fillOrder), \(spp)x\(bps) bits)")
        }
        self.mode = mode == "I;16" && bigEndian ? "I;16B" : mode
        self.pixels = pixels
        (samplesPerPixel, bitsPerSample, planar) = (spp, bps, tags.planar == 2 && spp > 1)
        read = photo != 6 ? .samples : (tags.compression == 7 && tags.planar != 2 ? .jpegRGB : .rgba)
        orientation = tags.orientation
        reversedBits = raw && tags.fillOrder == 2
        // Pillow's own tags only: a colormap its walk did not reach is missing (a KeyError).
        palette = try Self.palette(fields.map { $0[TIFFTag.colorMap] ?? [] } ?? Self.colormap(h), pixels: pixels)
        guard width > 0, height > 0 else { throw .corrupt(.tiff, reason: "image has no pixels (\(width)x\(height))") }
        if let fields, raw {
            // Pillow's raw reader unpacks YCbCr as RGBX and 16-bit planar bands as 8-bit: refuse both.
            guard photo != 6, !planar || bps == 8 else {
                throw .corrupt(.tiff, reason: "uncompressed layout Pillow misreads")
            }
            rawTiles = try TIFFRawTiles(fields, width: width, height: height)
        } else {
            // Pillow checks that libtiff sees the image it parsed.
            guard Int(h.width) == width, Int(h.height) == height else {
                throw .corrupt(.tiff, reason: "libtiff reads \(h.width)x\(h.height), the tags say \(width)x\(height)")
            }
            rawTiles = nil
        }
    }

    /// The colormap as Pillow applies it: reds, greens, blues (`RGB;L`), the high byte of each
    /// 16-bit entry (`b // 256`).
    private static func palette(_ colormap: [Int], pixels: Pixels) throws(ImageDecodingError) -> PaletteTable {
        var table = PaletteTable()
        guard pixels == .palette else { return table }
        let entries = colormap.count / 3
        guard entries > 0 else { throw .corrupt(.tiff, reason: "palette image without a colormap") }
        guard entries <= 256 else { throw .corrupt(.tiff, reason: "invalid palette size") }
        for i in 0..<entries {
            func high(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v >> 8) }
            table.set(i, high(colormap[i]), high(colormap[entries + i]), high(colormap[2 * entries + i]))
        }
        return table
    }

    /// libtiff's colormap (BigTIFF), as one array of reds, greens, blues.
    private static func colormap(_ h: bv_tiff_header) -> [Int] {
        let n = Int(h.colormap_entries)
        return withUnsafeBytes(of: h.colormap) { raw in
            let map = raw.bindMemory(to: UInt16.self)
            return (0..<3).flatMap { band in (0..<n).map { Int(map[256 * band + $0]) } }
        }
    }

    /// Bits of one pixel in the decoded buffer of one plane.
    var bitsPerPixel: Int {
        switch read {
        case .samples: planar ? bitsPerSample : bitsPerSample * samplesPerPixel
        case .jpegRGB: 24
        case .rgba: 32
        }
    }

    /// Planes in the decoded buffer.
    var planes: Int { read == .samples && planar ? samplesPerPixel : 1 }

    // MARK: - Pillow's table

    /// Pillow's mode and our reading of it for one `OPEN_INFO` key, or nil where Pillow has none.
    /// Big-endian files have fewer keys: no 12-bit, unsigned 32-bit, min-is-white 16-bit or 16-bit CMYK.
    private static func lookup(photo: Int, format: Int, bps: Int, spp: Int, extra: [UInt16], bigEndian: Bool)
        -> (String, Pixels)?
    {
        switch (photo, spp, extra) {
        case (0, 1, []), (1, 1, []):
            return gray(photo: photo, format: format, bps: bps, bigEndian: bigEndian)
        case (1, 2, [2]) where bps == 8:
            return ("LA", .grayAlpha)
        case (2, 3...6, _) where bps == 8 || (bps == 16 && spp <= 4):
            // extra samples: none (RGBA when 4), 0 (padding), 1 (premultiplied), 2 or 999 (alpha)
            let tail = Array(extra.dropFirst())
            guard extra.count == spp - 3 || (extra.isEmpty && spp == 4), tail.allSatisfy({ $0 == 0 }) else {
                return nil
            }
            guard let first = extra.first else { return (spp == 4 ? "RGBA" : "RGB", .rgb(premultiplied: false)) }
            guard [0, 1, 2, 999].contains(first), first != 999 || (spp == 4 && bps == 8) else { return nil }
            return (first == 0 ? "RGBX" : "RGBA", .rgb(premultiplied: first == 1))
        case (3, 1, []) where [1, 2, 4, 8].contains(bps):
            return ("P", .palette)
        case (3, 2, [2]) where bps == 8:
            return ("PA", .palette)
        case (5, 4, []), (5, 5, [0]), (5, 6, [0, 0]):
            return bps == 8 || (bps == 16 && spp == 4 && !bigEndian) ? ("CMYK", .cmyk) : nil
        case (8, 3, []) where bps == 8:
            return ("LAB", .lab)
        case (6, 3, []) where bps == 8, (6, _, _) where format == 1 && bps == 8:
            return ("RGB", .decodedRGB)
        default:
            return nil
        }
    }

    /// The single-sample gray modes: `1`, `L`, `I;16`, `I`, `F`.
    private static func gray(photo: Int, format: Int, bps: Int, bigEndian: Bool) -> (String, Pixels)? {
        if bigEndian && format == 1 && (bps == 12 || bps == 32 || (bps == 16 && photo == 0)) { return nil }
        return switch (format, bps) {
        case (1, 1): ("1", .bilevel(whiteIsZero: photo == 0))
        case (1, 2), (1, 4), (1, 8): ("L", .gray(bits: bps, whiteIsZero: photo == 0))
        case (1, 12) where photo == 1, (1, 16): ("I;16", .integer(signed: false))
        case (2, 16) where photo == 1, (2, 32) where photo == 1, (1, 32) where photo == 1: ("I", .integer(signed: true))
        case (3, 32): ("F", .float)
        default: nil
        }
    }

    /// Whether Pillow has an `R` (bit-reversed) rawmode for this layout.
    private static func hasReversedRawMode(photo: Int, bps: Int, spp: Int, bigEndian: Bool) -> Bool {
        switch (photo, spp) {
        case (0, 1), (3, 1): [1, 2, 4, 8].contains(bps)
        case (1, 1): [1, 2, 4, 8].contains(bps) || (bps == 16 && !bigEndian)
        case (2, 3): bps == 8
        default: false
        }
    }
}
