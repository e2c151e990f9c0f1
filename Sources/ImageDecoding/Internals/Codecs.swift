import CImageCodecs

// MARK: - The one place that calls the codec libraries

/// Checked wrappers over the `CImageCodecs` shims; the only file that calls into C.
///
/// Each wrapper turns a failed status into an ``ImageDecodingError`` whose reason names the
/// C function (the shims prefix their messages with it).
enum Codecs {
    /// Runs a shim with an error-message buffer; returns its status and message.
    private static func call(_ body: (UnsafeMutablePointer<CChar>?) -> Int32) -> (status: Int32, message: String) {
        var buffer = [CChar](repeating: 0, count: Int(BV_ERROR_LENGTH) + 1)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress) }
        let message = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (status, String(decoding: message, as: UTF8.self))
    }

    // MARK: - JPEG

    /// Reads a JPEG's size, subsampling and colorspace.
    ///
    /// The corresponding C function is `tjDecompressHeader3`.
    static func jpegHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> bv_jpeg_header {
        var header = bv_jpeg_header()
        let result = call { err in bv_jpeg_read_header(bytes.bindMemory(), bytes.count, &header, err) }
        guard result.status == BV_OK else { throw .corrupt(.jpeg, reason: result.message) }
        return header
    }

    /// The outcome of a JPEG decode that produced pixels: clean, or with libjpeg's last warning.
    enum JPEGOutcome: Equatable {
        case clean
        case warning(String)
    }

    /// Decodes a JPEG into `out` (RGB with 3 channels, raw CMYK with 4) at `1/scaleDenominator`.
    ///
    /// The corresponding C function is `tjDecompress2`.
    static func jpegDecode(
        _ bytes: UnsafeRawBufferPointer, scaleDenominator: Int, channels: Int,
        into out: UnsafeMutableRawBufferPointer, width: Int, height: Int
    ) throws(ImageDecodingError) -> JPEGOutcome {
        guard out.count >= width * height * channels else { throw .corrupt(.jpeg, reason: "output buffer too small") }
        let result = call { err in
            bv_jpeg_decode(
                bytes.bindMemory(), bytes.count, Int32(scaleDenominator), Int32(channels),
                out.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(width), Int32(height), err)
        }
        switch result.status {
        case BV_OK: return .clean
        case BV_WARNING: return .warning(result.message)
        default: throw .corrupt(.jpeg, reason: result.message)
        }
    }

    // MARK: - JPEG encoding

    /// Encodes `pixels` ((height, width, 3) u8, RGB) as a baseline 4:2:0 JPEG at `quality`.
    ///
    /// The corresponding C function is `tjCompress2`.
    static func jpegEncode(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, quality: Int
    ) throws(JPEGEncodingError) -> [UInt8] {
        guard width > 0, height > 0, pixels.count >= width * height * 3 else {
            throw JPEGEncodingError(reason: "\(width)x\(height) RGB needs \(width * height * 3) bytes, got \(pixels.count)")
        }
        let bound = bv_jpeg_encode_bound(Int32(width), Int32(height))
        guard bound > 0 else { throw JPEGEncodingError(reason: "tjBufSize: \(width)x\(height) is too large") }
        var out = [UInt8](repeating: 0, count: bound)
        var size = 0
        let result = out.withUnsafeMutableBufferPointer { buffer in
            call { err in
                bv_jpeg_encode_rgb(
                    pixels.bindMemory(), Int32(width), Int32(height), Int32(quality), buffer.baseAddress, buffer.count,
                    &size, err)
            }
        }
        guard result.status == BV_OK else { throw JPEGEncodingError(reason: result.message) }
        out.removeSubrange(size...)
        return out
    }

    // MARK: - PNG

    /// A PNG's IHDR facts and PLTE, as libpng reads them.
    struct PNGHeader {
        let width: Int
        let height: Int
        let bitDepth: Int
        let colorType: Int
        /// Bytes of one stored (packed) row.
        let rowBytes: Int
        /// PLTE entries, 3 bytes each.
        let palette: [UInt8]
    }

    /// Reads a PNG's IHDR and PLTE.
    ///
    /// The corresponding C function is `png_read_info`.
    static func pngHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> PNGHeader {
        var header = bv_png_header()
        let result = call { err in bv_png_read_header(bytes.bindMemory(), bytes.count, &header, err) }
        guard result.status == BV_OK else { throw pngError(result.message) }
        let palette = withUnsafeBytes(of: header.palette) { Array($0.prefix(Int(header.palette_count) * 3)) }
        return PNGHeader(
            width: Int(header.width), height: Int(header.height), bitDepth: Int(header.bit_depth),
            colorType: Int(header.color_type), rowBytes: header.row_bytes, palette: palette)
    }

    /// Decodes a PNG's rows as stored (packed, 16-bit big-endian), de-interlaced, into `out`.
    ///
    /// The corresponding C function is `png_read_image`.
    /// With `padTruncated`, reads past the end of `bytes` see zeros (for a file cut after its
    /// last row's data, which the caller has checked).
    static func pngDecode(
        _ bytes: UnsafeRawBufferPointer, padTruncated: Bool, into out: UnsafeMutableRawBufferPointer
    ) throws(ImageDecodingError) {
        let result = call { err in
            bv_png_decode(
                bytes.bindMemory(), bytes.count, padTruncated ? 1 : 0, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                out.count, err)
        }
        guard result.status == BV_OK else { throw pngError(result.message) }
    }

    private static func pngError(_ message: String) -> ImageDecodingError {
        message.contains("truncated") || message.contains("Not enough image data")
            ? .truncated(.png) : .corrupt(.png, reason: "libpng: \(message)")
    }

    // MARK: - WebP

    /// Reads a WebP's canvas size and flags.
    ///
    /// The corresponding C function is `WebPGetFeatures`.
    static func webpHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> bv_webp_header {
        var header = bv_webp_header()
        let result = call { err in bv_webp_read_header(bytes.bindMemory(), bytes.count, &header, err) }
        guard result.status == BV_OK else { throw .corrupt(.webp, reason: result.message) }
        return header
    }

    /// Decodes the first frame, composited on its canvas, as non-premultiplied RGBA.
    ///
    /// The corresponding C function is `WebPAnimDecoderGetNext`.
    static func webpDecodeFirstFrame(
        _ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, width: Int, height: Int
    ) throws(ImageDecodingError) {
        guard out.count >= width * height * 4 else { throw .corrupt(.webp, reason: "output buffer too small") }
        let result = call { err in
            bv_webp_decode_first_frame(
                bytes.bindMemory(), bytes.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                Int32(width), Int32(height), err)
        }
        guard result.status == BV_OK else { throw .corrupt(.webp, reason: result.message) }
    }

    // MARK: - TIFF

    /// Reads a TIFF's first directory.
    ///
    /// The corresponding C function is `TIFFClientOpenExt`.
    static func tiffHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> bv_tiff_header {
        var header = bv_tiff_header()
        let result = call { err in bv_tiff_read_header(bytes.bindMemory(), bytes.count, &header, err) }
        guard result.status == BV_OK else { throw .corrupt(.tiff, reason: "libtiff: \(result.message)") }
        return header
    }

    /// How ``tiffDecode(_:how:planes:bitsPerPixel:into:)`` asks libtiff for the pixels.
    enum TIFFRead: Int32 {
        /// Strips or tiles as decoded, whole rows, planes one after another.
        case samples = 0
        /// The same, with libjpeg converting YCbCr to RGB (`JPEGCOLORMODE_RGB`).
        case jpegRGB = 1
        /// libtiff's RGBA interface, top-left first.
        case rgba = 2
    }

    /// Decodes a TIFF's first directory into `out`.
    ///
    /// The corresponding C functions are `TIFFReadEncodedStrip`, `TIFFReadEncodedTile` and
    /// `TIFFReadRGBAImageOriented`.
    static func tiffDecode(
        _ bytes: UnsafeRawBufferPointer, how: TIFFRead, planes: Int, bitsPerPixel: Int,
        into out: UnsafeMutableRawBufferPointer
    ) throws(ImageDecodingError) {
        let result = call { err in
            bv_tiff_decode(
                bytes.bindMemory(), bytes.count, how.rawValue, Int32(planes), Int32(bitsPerPixel),
                out.baseAddress?.assumingMemoryBound(to: UInt8.self), out.count, err)
        }
        guard result.status == BV_OK else { throw .corrupt(.tiff, reason: "libtiff: \(result.message)") }
    }

    // MARK: - LittleCMS

    /// Converts LAB pixels (4 bytes each, a and b offset by 128) to RGBA (4 bytes each).
    ///
    /// The corresponding C function is `cmsDoTransform`.
    static func labToRGBA(_ lab: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(ImageDecodingError) {
        let pixels = lab.count / 4
        guard out.count >= pixels * 4 else { throw .corrupt(.tiff, reason: "output buffer too small") }
        let result = call { err in
            bv_lab_to_rgba(lab.bindMemory(), pixels, out.baseAddress?.assumingMemoryBound(to: UInt8.self), err)
        }
        guard result.status == BV_OK else { throw .corrupt(.tiff, reason: result.message) }
    }

    // MARK: - zlib

    /// How many bytes a zlib stream inflates to, counting at most `limit`; nil when it is broken
    /// before that. A stream cut short just stops the count.
    ///
    /// The corresponding C function is `inflate`.
    static func zlibInflatedSize(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Int? {
        let size = bv_zlib_inflated_size(bytes.bindMemory(), bytes.count, limit)
        return size < 0 ? nil : Int(size)
    }

    /// The CRC-32 of `bytes`, as PNG chunk checksums use.
    ///
    /// The corresponding C function is `crc32`.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        bv_crc32(bytes.bindMemory(), bytes.count)
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as `const uint8_t *` for C (nil for an empty buffer, which the shims reject).
    fileprivate func bindMemory() -> UnsafePointer<UInt8>? {
        baseAddress?.assumingMemoryBound(to: UInt8.self)
    }
}
