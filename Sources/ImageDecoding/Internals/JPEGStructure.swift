// MARK: - JPEG markers, read the way Pillow's JpegImagePlugin reads them

/// What Pillow learns from a JPEG's markers before the first scan.
///
/// Walking the markers ourselves (TurboJPEG does not expose APP segments) lets us find the EXIF
/// block and refuse the files Pillow's `_open` refuses: no SOF before SOS, precision other than
/// 8 bits, a layer count other than 1, 3 or 4, a segment running past the end of the file.
struct JPEGStructure {
    var width = 0
    var height = 0
    /// Components in the last SOF: 1 gives Pillow mode "L", 3 "RGB", 4 "CMYK".
    var layers = 0
    /// The first APP1 segment starting `Exif\0` (Pillow keeps the first), from its `Exif` on.
    var exif: UnsafeRawBufferPointer?
    /// Offset of the first SOS marker.
    var scanStart = 0
    /// Whether Pillow has a DPI value (from JFIF, or its one attempt to read it from EXIF).
    private var dpiKnown = false

    /// Pillow's mode name for the layer count.
    var mode: String { layers == 1 ? "L" : layers == 4 ? "CMYK" : "RGB" }

    /// Walks the markers from SOI to the first SOS.
    ///
    /// - Throws: ``ImageDecodingError/corrupt(_:reason:)`` where Pillow's `_open` fails, and
    ///   ``ImageDecodingError/truncated(_:)`` when a segment or the headers run past the end.
    init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        var sawSOF = false
        // Pillow has read FF D8 FF and then treats that last FF as the start of a marker.
        var pos = 3
        while true {
            guard let next = bytes.uint8(at: pos) else { throw .truncated(.jpeg) }
            pos += 1
            let marker = next
            switch marker {
            case 0xFF:
                continue  // fill byte: the next byte is the marker
            case 0x00:
                // FF 00 (escaped data) outside a scan: Pillow skips it, then resyncs on junk.
                pos = Self.skipJunk(bytes, from: pos)
                continue
            case 0xC8, 0xD0...0xD9, 0xF0...0xFD:
                pos = Self.skipJunk(bytes, from: pos)  // markers without a segment
                continue
            case 0xC0...0xFE:
                break
            default:
                throw .corrupt(.jpeg, reason: "no marker found")
            }
            // A marker with a segment: length (2 bytes, counting itself) then the body.
            guard let length = bytes.uint16(at: pos) else { throw .truncated(.jpeg) }
            let bodyLength = Int(length) - 2
            let body = bytes.slice(pos + 2, max(bodyLength, 0))
            guard let body else { throw .truncated(.jpeg) }
            pos += 2 + max(bodyLength, 0)
            switch marker {
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF, 0xDE:
                try readSOF(body)
                sawSOF = true
            case 0xE0...0xEF:
                try readAPP(marker, body)
            case 0xDA:
                guard sawSOF, width > 0, height > 0 else {
                    throw .corrupt(.jpeg, reason: "no frame header (SOF) before the first scan")
                }
                scanStart = pos
                return
            default:
                break
            }
            pos = Self.skipJunk(bytes, from: pos)
        }
    }

    /// Whether an EOI marker (FF D9) follows the first scan. Pillow's libjpeg source suspends
    /// at the end of the data instead of faking an EOI as TurboJPEG's does, so without one
    /// Pillow always fails ("image file is truncated").
    static func hasEndMarker(_ bytes: UnsafeRawBufferPointer, after start: Int) -> Bool {
        var pos = bytes.count - 2
        while pos >= start {
            if bytes[pos] == 0xFF && bytes[pos + 1] == 0xD9 { return true }
            pos -= 1
        }
        return false
    }

    /// Records size and layer count from an SOF body; refuses what Pillow refuses.
    private mutating func readSOF(_ body: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        guard let bits = body.uint8(at: 0), let h = body.uint16(at: 1), let w = body.uint16(at: 3),
            let layers = body.uint8(at: 5)
        else { throw .corrupt(.jpeg, reason: "short frame header (SOF)") }
        guard bits == 8 else { throw .corrupt(.jpeg, reason: "cannot handle \(bits)-bit layers") }
        guard [1, 3, 4].contains(layers) else { throw .corrupt(.jpeg, reason: "cannot handle \(layers)-layer images") }
        (width, height, self.layers) = (Int(w), Int(h), Int(layers))
    }

    /// APPn segments: JFIF density, the first EXIF block, and the header reads Pillow makes.
    private mutating func readAPP(_ marker: UInt8, _ body: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        // Pillow reads a 16-bit version from JFIF and Adobe segments without a length check.
        if (marker == 0xE0 && body.matches("JFIF", at: 0)) || (marker == 0xEE && body.matches("Adobe", at: 0)) {
            guard body.count >= 7 else { throw .corrupt(.jpeg, reason: "APP\(marker & 15) segment too short") }
        }
        if marker == 0xE0, body.matches("JFIF", at: 0), body.count >= 12, body[7] == 1 { dpiKnown = true }
        if marker == 0xE1, exif == nil, body.matches("Exif\0", at: 0) { exif = body }
        // After each APP segment Pillow tries once to take the DPI from EXIF. A TIFF header cut
        // short raises an error it does not catch there, and the file fails to open.
        if !dpiKnown, let exif {
            dpiKnown = true
            if Self.hasBrokenTIFFHeader(exif) { throw .corrupt(.jpeg, reason: "EXIF block too short for its TIFF header") }
        }
    }

    /// Whether Pillow's `Exif.load` fails with `struct.error` on this APP1 body: a TIFF
    /// signature followed by fewer than 8 header bytes, or a BigTIFF one (it reads only 8).
    private static func hasBrokenTIFFHeader(_ body: UnsafeRawBufferPointer) -> Bool {
        guard body.matches("Exif\0\0", at: 0), let tiff = body.slice(6, body.count - 6) else { return false }
        let classic = ["MM\0*", "II*\0", "MM*\0", "II\0*"].contains { tiff.matches($0, at: 0) }
        let big = tiff.matches("MM\0+", at: 0) || tiff.matches("II+\0", at: 0)
        return big || (classic && tiff.count < 8)
    }

    /// Pillow skips non-FF bytes between segments one at a time; returns the next FF's offset.
    private static func skipJunk(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var pos = start
        while pos < bytes.count && bytes[pos] != 0xFF { pos += 1 }
        return pos + 1  // past the FF; reading the marker byte comes next
    }
}
