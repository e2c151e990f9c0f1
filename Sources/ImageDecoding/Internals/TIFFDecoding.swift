import CImageCodecs
import TensorCore

// MARK: - TIFF: Pillow's tags and raw reader, libtiff for compressed data

/// Decodes the first page of a TIFF as Pillow 9.4 does. Pillow's own view of the tags
/// (``TIFFFields``) decides the mode (``TIFFLayout``); uncompressed data is read as Pillow's raw
/// tiles read it (``TIFFRawTiles``); compressed data (LZW, Deflate, PackBits, JPEG, old-style
/// JPEG, CCITT, LZMA, WebP, ...) is decoded by libtiff, as Pillow's `TiffDecode.c` asks it to.
/// The orientation tag is applied afterwards, as Pillow's `load_end` does.
enum TIFFDecoding {
    /// Header facts, budget-checked. `exifOrientation` is the TIFF's orientation tag: Pillow
    /// applies it on load *and* again in `exif_transpose`, and so do we.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        let layout = try layout(bytes, options: options)
        return ImageInfo(
            format: .tiff, width: layout.width, height: layout.height, mode: layout.mode,
            exifOrientation: layout.orientation)
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        let layout = try layout(bytes, options: options)
        // (planes, height, ceil(width * bitsPerPixel / 8)) bytes
        let (rowBits, overflow) = layout.width.multipliedReportingOverflow(by: layout.bitsPerPixel)
        let (size, overflow2) = ((rowBits + 7) / 8 * layout.height).multipliedReportingOverflow(by: layout.planes)
        guard !overflow, !overflow2 else {
            throw .tooManyPixels(width: layout.width, height: layout.height, budget: options.pixelBudget)
        }
        let samples = try [UInt8].filled(count: size) { out throws(ImageDecodingError) in
            if let tiles = layout.rawTiles {
                try tiles.read(bytes, layout: layout, into: out)
            } else {
                try Codecs.tiffDecode(
                    bytes, how: layout.read, planes: layout.planes, bitsPerPixel: layout.bitsPerPixel,
                    into: UnsafeMutableRawBufferPointer(out))
            }
        }
        var pixels = [UInt8](repeating: 0, count: layout.width * layout.height * 3)
        if layout.pixels == .lab {
            guard !layout.planar else { throw .corrupt(.tiff, reason: "planar LAB is not supported") }
            pixels = try withBytes(of: samples) { (raw) throws(ImageDecodingError) in
                try TIFFPixels.labToRGB(raw, pixels: layout.width * layout.height)
            }
        } else {
            samples.withUnsafeBytes { raw in
                pixels.withUnsafeMutableBufferPointer { TIFFPixels(layout: layout, samples: raw).convert(into: $0) }
            }
        }
        return EXIFOrientation.apply(
            layout.orientation, to: RGBImage(width: layout.width, height: layout.height, pixels: pixels))
    }

    /// The first directory as Pillow sees it, within the budget. libtiff must open the file
    /// unless Pillow's raw reader (uncompressed data) reads it without libtiff.
    private static func layout(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError)
        -> TIFFLayout
    {
        let fields = TIFFFields(bytes)
        if let fields, let w = fields.scalar(TIFFTag.width), let h = fields.scalar(TIFFTag.height) {
            try checkPixelBudget(width: w, height: h, budget: options.pixelBudget)
        }
        let header: bv_tiff_header
        do throws(ImageDecodingError) {
            header = try Codecs.tiffHeader(bytes)
        } catch {
            guard let fields, (fields.scalar(TIFFTag.compression) ?? 1) == 1 else { throw error }
            header = bv_tiff_header()
        }
        try checkPixelBudget(width: Int(header.width), height: Int(header.height), budget: options.pixelBudget)
        return try TIFFLayout(header, fields: fields, bigEndian: bytes.matches("MM", at: 0))
    }
}
