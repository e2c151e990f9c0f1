import Foundation
import TensorCore

// MARK: - The decoder

/// Decodes JPEG, PNG, WebP, BMP, GIF and TIFF bytes into RGB8 exactly as Pillow 9.4's
/// `Image.open(p).convert("RGB")` does (GIF and TIFF: the first frame or page).
///
/// ```
///  bytes ──► signature ──► header walk ──► pixel budget ──► codec ──► Pillow's convert ──► RGBImage
///            (magic, not    (Pillow's own     (before any      (libjpeg-turbo,  (CMYK;I, 16-bit,
///             extension)     acceptance)       allocation)      libpng, libwebp, palette, drop alpha)
///                                                               libtiff; our own
///                                                               BMP and GIF LZW)
/// ```
///
/// The decoder holds only options; it is safe to use from many threads at once (each call
/// creates its own codec handles).
public struct ImageDecoder: Sendable {
    /// Limits and opt-in behaviour.
    public let options: DecodeOptions

    public init(options: DecodeOptions = DecodeOptions()) {
        self.options = options
    }

    // MARK: - Header only

    /// Format, stored size, Pillow mode and EXIF orientation, without decoding pixels.
    ///
    /// - Throws: ``ImageDecodingError`` for empty, unrecognised, unsupported or malformed
    ///   input, and ``ImageDecodingError/tooManyPixels(width:height:budget:)`` over budget.
    public func info(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> ImageInfo {
        switch try Self.decodableFormat(bytes) {
        case .jpeg: try JPEGDecoding.info(bytes, options: options)
        case .png: try PNGDecoding.info(bytes, options: options)
        case .bmp: try BMPDecoding.info(bytes, options: options, headerless: !bytes.matches("BM", at: 0))
        case .gif: try GIFDecoding.info(bytes, options: options)
        case .tiff: try TIFFDecoding.info(bytes, options: options)
        default: try WebPDecoding.info(bytes, options: options)
        }
    }

    // MARK: - Pixels

    /// The image as RGB8, as Pillow's `convert("RGB")` gives it.
    ///
    /// EXIF orientation is applied only when ``DecodeOptions/applyEXIFOrientation`` is set.
    /// - Throws: ``ImageDecodingError``; never returns a partial image.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> RGBImage {
        let format = try Self.decodableFormat(bytes)
        let image: RGBImage =
            switch format {
            case .jpeg: try JPEGDecoding.decode(bytes, options: options)
            case .png: try PNGDecoding.decode(bytes, options: options)
            case .bmp: try BMPDecoding.decode(bytes, options: options, headerless: !bytes.matches("BM", at: 0))
            case .gif: try GIFDecoding.decode(bytes, options: options)
            case .tiff: try TIFFDecoding.decode(bytes, options: options)
            default: try WebPDecoding.decode(bytes, options: options)
            }
        guard options.applyEXIFOrientation else { return image }
        return EXIFOrientation.apply(try info(bytes).exifOrientation, to: image)
    }

    /// The image in `bytes` as RGB8; see ``decode(_:)-(UnsafeRawBufferPointer)``.
    public func decode(_ bytes: [UInt8]) throws(ImageDecodingError) -> RGBImage {
        try withBytes(of: bytes) { (raw) throws(ImageDecodingError) in try decode(raw) }
    }

    // MARK: - Dispatch

    /// The format of `bytes` if it is one we decode; the matching error otherwise.
    private static func decodableFormat(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> ImageFormat {
        guard !bytes.isEmpty else { throw .empty }
        guard let format = ImageFormat.sniff(bytes) else { throw .notAnImage }
        guard format.isDecodable else { throw .unsupportedFormat(format.rawValue) }
        return format
    }
}
