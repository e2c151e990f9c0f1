import TensorCore

// MARK: - PNG: libpng for the pixels, Pillow's walk for acceptance

/// Decodes PNG (and the first frame of APNG, which is the IDAT image) as Pillow 9.4 does.
enum PNGDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        try checkDeclaredSize(bytes, options: options)
        let structure = try PNGStructure(bytes)
        return ImageInfo(
            format: .png, width: structure.width, height: structure.height, mode: structure.mode,
            exifOrientation: structure.exif.flatMap { EXIFOrientation.read(fromTIFF: $0) })
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        try checkDeclaredSize(bytes, options: options)
        let structure = try PNGStructure(bytes)
        let header = try Codecs.pngHeader(bytes)
        let (width, height) = (header.width, header.height)
        guard width == structure.width, height == structure.height, header.rowBytes > 0 else {
            throw .corrupt(.png, reason: "libpng and the chunk walk disagree on the header")
        }
        let rows = try [UInt8].filled(count: header.rowBytes * height) { out throws(ImageDecodingError) in
            try Codecs.pngDecode(bytes, padTruncated: structure.isCutAfterRows, into: UnsafeMutableRawBufferPointer(out))
        }
        let converter = PNGPixels(
            width: width, height: height, bitDepth: header.bitDepth, colorType: header.colorType,
            rowBytes: header.rowBytes, palette: palette(header.palette))
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        rows.withUnsafeBytes { rowBytes in
            pixels.withUnsafeMutableBufferPointer { converter.convert(rowBytes, into: $0) }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Refuses an IHDR over budget before anything else is read or allocated.
    private static func checkDeclaredSize(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) {
        guard bytes.matches("IHDR", at: 12), let w = bytes.uint32(at: 16), let h = bytes.uint32(at: 20) else { return }
        try checkPixelBudget(width: Int(w), height: Int(h), budget: options.pixelBudget)
    }

    /// 256 RGB entries: the PLTE, then Pillow's gray ramp for indices past its end.
    private static func palette(_ plte: [UInt8]) -> [UInt8] {
        var table = (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }
        table.replaceSubrange(0..<min(plte.count, table.count), with: plte.prefix(table.count))
        return table
    }
}
