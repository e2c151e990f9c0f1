import TensorCore

// MARK: - WebP: WebPAnimDecoder, as Pillow uses it

/// Decodes WebP (lossy, lossless, alpha; animated: the first frame) as Pillow 9.4 does: through
/// libwebp's WebPAnimDecoder in non-premultiplied RGBA, then dropping alpha.
enum WebPDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        let header = try Codecs.webpHeader(bytes)
        try checkPixelBudget(width: Int(header.width), height: Int(header.height), budget: options.pixelBudget)
        return ImageInfo(
            format: .webp, width: Int(header.width), height: Int(header.height),
            mode: header.has_alpha != 0 ? "RGBA" : "RGB",
            exifOrientation: exifChunk(bytes).flatMap { EXIFOrientation.read(fromTIFF: $0) })
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        let header = try Codecs.webpHeader(bytes)
        let (width, height) = (Int(header.width), Int(header.height))
        try checkPixelBudget(width: width, height: height, budget: options.pixelBudget)
        guard width > 0, height > 0 else { throw .corrupt(.webp, reason: "empty canvas") }
        var pixels = try [UInt8].filled(count: width * height * 4) { out throws(ImageDecodingError) in
            try Codecs.webpDecodeFirstFrame(bytes, into: UnsafeMutableRawBufferPointer(out), width: width, height: height)
            PillowConversions.dropAlpha(out, pixels: width * height)
        }
        pixels.removeLast(width * height)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The first `EXIF` chunk's body, as libwebpdemux (and so Pillow) finds it.
    static func exifChunk(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var pos = 12
        while let size = bytes.uint32(at: pos + 4, bigEndian: false) {
            guard let body = bytes.slice(pos + 8, Int(size)) else { return nil }
            if bytes.matches("EXIF", at: pos) { return body }
            pos += 8 + Int(size) + Int(size & 1)
        }
        return nil
    }
}
