// MARK: - Image formats

/// An image file format, as recognised from the file's first bytes (never from its name).
///
/// ``jpeg``, ``png``, ``webp``, ``bmp`` (headerless DIB included), ``gif`` and ``tiff`` decode:
/// the formats Ray's `read_images` lists by default. The others are recognised so that the
/// error can say what the file is ("unsupported format: ICO") instead of "not an image".
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg = "JPEG"
    case png = "PNG"
    case webp = "WEBP"
    case gif = "GIF"
    case bmp = "BMP"
    case tiff = "TIFF"
    case ico = "ICO"
    case psd = "PSD"
    case jpeg2000 = "JPEG2000"
    case avif = "AVIF"
    case heif = "HEIF"
    case qoi = "QOI"

    /// Whether ``ImageDecoder`` decodes this format.
    public var isDecodable: Bool {
        switch self {
        case .jpeg, .png, .webp, .bmp, .gif, .tiff: true
        default: false
        }
    }
}

extension ImageFormat {
    /// The format whose signature starts `bytes`, or nil.
    ///
    /// Signatures are those Pillow's plugins accept (`_accept`): the full 8-byte PNG signature,
    /// `FF D8 FF` for JPEG (MPO included), `RIFF....WEBP` for WebP, `BM` for BMP or a DIB
    /// header size (12, 40, 64, 108, 124) for a headerless DIB.
    static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            for (i, byte) in prefix.enumerated() where bytes[offset + i] != byte { return false }
            return true
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) { return .bmp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }  // BigTIFF
        if starts([0x00, 0x00, 0x01, 0x00]) { return .ico }
        if starts(Array("8BPS".utf8)) { return .psd }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) {
            return .jpeg2000
        }
        if starts(Array("ftypavif".utf8), at: 4) || starts(Array("ftypavis".utf8), at: 4) { return .avif }
        if starts(Array("ftypheic".utf8), at: 4) || starts(Array("ftypmif1".utf8), at: 4) { return .heif }
        if starts(Array("qoif".utf8)) { return .qoi }
        // A headerless DIB starts with its info header's size, as Pillow's `_dib_accept` checks.
        if let size = bytes.uint32(at: 0, bigEndian: false), [12, 40, 64, 108, 124].contains(size) { return .bmp }
        return nil
    }
}
