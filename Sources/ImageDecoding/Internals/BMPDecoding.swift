import TensorCore

// MARK: - BMP: our own reader, as Pillow 9.4's (pure Python) BmpImagePlugin reads

/// Decodes BMP and headerless DIB files as Pillow 9.4 does: uncompressed 1/4/8-bit palette,
/// 16-bit 555/565, 24-bit, 32-bit (BITFIELDS layouts Pillow knows), RLE4 and RLE8, bottom-up
/// and top-down, OS/2 core and v2 and Windows v3/v4/v5 headers.
///
/// No allocation happens before the pixel budget is checked, and an uncompressed image is only
/// allocated once the file is known to hold every row.
enum BMPDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions, headerless: Bool = false)
        throws(ImageDecodingError) -> ImageInfo
    {
        let structure = try BMPStructure(bytes, headerless: headerless)
        try checkPixelBudget(width: structure.width, height: structure.height, budget: options.pixelBudget)
        return ImageInfo(
            format: .bmp, width: structure.width, height: structure.height, mode: structure.mode, exifOrientation: nil)
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions, headerless: Bool = false)
        throws(ImageDecodingError) -> RGBImage
    {
        let bmp = try BMPStructure(bytes, headerless: headerless)
        try checkPixelBudget(width: bmp.width, height: bmp.height, budget: options.pixelBudget)
        switch bmp.encoding {
        case .raw: return try decodeRaw(bytes, bmp)
        case .rle(let fourBit): return try decodeRLE(bytes, bmp, fourBit: fourBit)
        }
    }

    // MARK: - Uncompressed rows

    /// Pillow's raw decoder: `stride` bytes between rows, the last row needs only its pixels.
    private static func decodeRaw(_ bytes: UnsafeRawBufferPointer, _ bmp: BMPStructure) throws(ImageDecodingError)
        -> RGBImage
    {
        let rowBytes = (bmp.width * bmp.rawMode.bitsPerPixel + 7) / 8
        guard rowBytes <= bmp.stride else { throw .corrupt(.bmp, reason: "rows are wider than their stride") }
        let (needed, overflow) = (bmp.height - 1).multipliedReportingOverflow(by: bmp.stride)
        guard !overflow, bmp.dataOffset <= bytes.count, needed + rowBytes <= bytes.count - bmp.dataOffset else {
            throw .truncated(.bmp)
        }
        return rows(of: bmp, mode: bmp.rawMode) { bytes.slice(bmp.dataOffset + $0 * bmp.stride, rowBytes) }
    }

    // MARK: - RLE

    /// Expands the RLE stream, then reads it as one index a pixel (rawmode `P` or `L`).
    private static func decodeRLE(_ bytes: UnsafeRawBufferPointer, _ bmp: BMPStructure, fourBit: Bool)
        throws(ImageDecodingError) -> RGBImage
    {
        // Pillow unpacks the expanded stream with rawmode "P" (or "L"); an RGB or "1" image has no such unpacker.
        guard bmp.mode == "P" || bmp.mode == "L" else {
            throw .corrupt(.bmp, reason: "RLE data in a \(bmp.mode) image")
        }
        let indices = try BMPRLE.expand(
            bytes, from: bmp.dataOffset, width: bmp.width, height: bmp.height, fourBit: fourBit)
        let rowMode: BMPRawMode = bmp.mode == "L" ? .gray : .palette(bits: 8)
        return indices.withUnsafeBytes { data in
            rows(of: bmp, mode: rowMode) { data.slice($0 * bmp.width, bmp.width) }
        }
    }

    // MARK: - Rows to RGB

    /// Unpacks every stored row (`storedRow(i)`, bottom row first unless top-down) into RGB.
    private static func rows(of bmp: BMPStructure, mode: BMPRawMode, _ storedRow: (Int) -> UnsafeRawBufferPointer?)
        -> RGBImage
    {
        // (height, width, 3) u8
        var pixels = [UInt8](repeating: 0, count: bmp.width * bmp.height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for stored in 0..<bmp.height {
                guard let row = storedRow(stored) else { return }
                let y = bmp.topDown ? stored : bmp.height - 1 - stored
                let line = UnsafeMutableBufferPointer(rebasing: out[(y * bmp.width * 3)..<((y + 1) * bmp.width * 3)])
                mode.unpack(row, width: bmp.width, palette: bmp.palette, into: line)
            }
        }
        return RGBImage(width: bmp.width, height: bmp.height, pixels: pixels)
    }
}
