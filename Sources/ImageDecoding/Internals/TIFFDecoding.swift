import TensorCore

// MARK: - TIFF: libtiff for the samples, Pillow's modes and conversions for the RGB

/// Decodes the first page of a TIFF as Pillow 9.4 does: libtiff decodes strips or tiles (any
/// compression it has: none, LZW, Deflate, PackBits, JPEG, CCITT, LZMA, WebP, ...), then
/// Pillow's mode for the samples (``TIFFLayout``) decides the conversion to RGB.
enum TIFFDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        let layout = try layout(bytes, options: options)
        return ImageInfo(format: .tiff, width: layout.width, height: layout.height, mode: layout.mode, exifOrientation: nil)
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        let layout = try layout(bytes, options: options)
        let (rowBytes, overflow) = layout.width.multipliedReportingOverflow(by: layout.bitsPerPixel)
        let planeBytes = (rowBytes + 7) / 8 * layout.height
        guard !overflow, planeBytes.multipliedReportingOverflow(by: layout.planes).overflow == false else {
            throw .tooManyPixels(width: layout.width, height: layout.height, budget: options.pixelBudget)
        }
        let samples = try [UInt8].filled(count: planeBytes * layout.planes) { out throws(ImageDecodingError) in
            try Codecs.tiffDecode(
                bytes, how: layout.read, planes: layout.planes, bitsPerPixel: layout.bitsPerPixel,
                into: UnsafeMutableRawBufferPointer(out))
        }
        var pixels = [UInt8](repeating: 0, count: layout.width * layout.height * 3)
        samples.withUnsafeBytes { raw in
            pixels.withUnsafeMutableBufferPointer { TIFFPixels(layout: layout, samples: raw).convert(into: $0) }
        }
        return RGBImage(width: layout.width, height: layout.height, pixels: pixels)
    }

    /// The first directory, read by libtiff and judged by Pillow's rules, within the budget.
    private static func layout(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> TIFFLayout {
        let header = try Codecs.tiffHeader(bytes)
        try checkPixelBudget(width: Int(header.width), height: Int(header.height), budget: options.pixelBudget)
        return try TIFFLayout(header, bigEndian: bytes.matches("MM", at: 0))
    }
}
