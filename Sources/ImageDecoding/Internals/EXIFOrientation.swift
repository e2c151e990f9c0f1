import TensorCore

// MARK: - EXIF orientation: reading the tag, applying it

/// Reads EXIF tag 0x0112 (Orientation) from IFD0, as Pillow's `Image.getexif()` does, and
/// applies it as `PIL.ImageOps.exif_transpose` does.
enum EXIFOrientation {
    /// The orientation in a JPEG APP1 body (`Exif\0\0` then TIFF), or nil.
    static func read(fromJPEGSegment body: UnsafeRawBufferPointer) -> Int? {
        guard body.matches("Exif\0\0", at: 0), let tiff = body.slice(6, body.count - 6) else { return nil }
        return read(fromTIFF: tiff)
    }

    /// The orientation (1...8) in TIFF-structured EXIF data, with or without an `Exif\0\0` prefix.
    static func read(fromTIFF data: UnsafeRawBufferPointer) -> Int? {
        if data.matches("Exif\0\0", at: 0), let rest = data.slice(6, data.count - 6) { return read(fromTIFF: rest) }
        let bigEndian: Bool
        if data.matches("MM", at: 0) { bigEndian = true } else if data.matches("II", at: 0) { bigEndian = false } else { return nil }
        guard let ifd = data.uint32(at: 4, bigEndian: bigEndian), let count = data.uint16(at: Int(ifd), bigEndian: bigEndian) else {
            return nil
        }
        var orientation: Int?
        for i in 0..<Int(count) {
            let entry = Int(ifd) + 2 + 12 * i
            guard let tag = data.uint16(at: entry, bigEndian: bigEndian),
                let type = data.uint16(at: entry + 2, bigEndian: bigEndian),
                let n = data.uint32(at: entry + 4, bigEndian: bigEndian)
            else { break }
            guard tag == 0x0112, n == 1 else { continue }
            // SHORT (3) or LONG (4) as Pillow reads them; other types leave the tag unusable.
            switch type {
            case 3: orientation = data.uint16(at: entry + 8, bigEndian: bigEndian).map(Int.init)
            case 4: orientation = data.uint32(at: entry + 8, bigEndian: bigEndian).map(Int.init)
            default: orientation = nil
            }
        }
        guard let orientation, (1...8).contains(orientation) else { return nil }
        return orientation
    }

    /// `image` transposed for `orientation`, as `exif_transpose` does (1 or nil: unchanged).
    ///
    /// 2 flip left-right, 3 rotate 180, 4 flip top-bottom, 5 transpose, 6 rotate 270
    /// (clockwise 90), 7 transverse, 8 rotate 90 (counter-clockwise).
    static func apply(_ orientation: Int?, to image: RGBImage) -> RGBImage {
        guard let orientation, (2...8).contains(orientation) else { return image }
        let (w, h) = (image.width, image.height)
        let swaps = orientation >= 5
        let (outW, outH) = swaps ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for v in 0..<outH {
                    for u in 0..<outW {
                        let (x, y) = sourcePixel(orientation, u, v, w, h)
                        let s = (y * w + x) * 3, d = (v * outW + u) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// The source pixel (x, y) of output pixel (u, v) for `orientation`, in a `w × h` source.
    @inline(__always)
    private static func sourcePixel(_ orientation: Int, _ u: Int, _ v: Int, _ w: Int, _ h: Int) -> (Int, Int) {
        switch orientation {
        case 2: (w - 1 - u, v)
        case 3: (w - 1 - u, h - 1 - v)
        case 4: (u, h - 1 - v)
        case 5: (v, u)
        case 6: (v, h - 1 - u)
        case 7: (w - 1 - v, h - 1 - u)
        default: (w - 1 - v, u)
        }
    }
}
