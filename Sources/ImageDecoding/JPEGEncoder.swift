import TensorCore

/// Encodes RGB8 images as baseline JPEG with libjpeg-turbo (TurboJPEG `tjCompress2`).
///
/// The decoder's counterpart, kept small on purpose: it exists for previews (the HTML report's
/// thumbnails), not archival output, so it offers only a quality setting. Chroma is subsampled
/// 4:2:0, as Pillow's `save(..., "JPEG")` and browsers' encoders do by default.
///
/// ```swift
/// let bytes = try JPEGEncoder(quality: 80).encode(thumbnail)   // "\u{FF}\u{D8}..." JPEG bytes
/// ```
/// Like ``ImageDecoder``, it holds only settings and is safe to use from many threads at once.
public struct JPEGEncoder: Sendable {
    /// libjpeg quality, 1 (smallest) ... 100 (best).
    public let quality: Int

    /// - Parameter quality: libjpeg quality; clamped to 1...100.
    public init(quality: Int = 80) {
        self.quality = min(max(quality, 1), 100)
    }

    /// The image as JPEG file bytes.
    ///
    /// - Throws: ``JPEGEncodingError`` naming the TurboJPEG call that failed.
    public func encode(_ image: RGBImage) throws(JPEGEncodingError) -> [UInt8] {
        // Array.withUnsafeBytes rethrows untyped errors; a Result keeps this one typed.
        let result: Result<[UInt8], JPEGEncodingError> = image.pixels.withUnsafeBytes { raw in
            do throws(JPEGEncodingError) {
                return .success(try Codecs.jpegEncode(raw, width: image.width, height: image.height, quality: quality))
            } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Why an image could not be encoded; `reason` names the C function, as decode errors do.
public struct JPEGEncodingError: UserFacingError, Equatable {
    public let reason: String

    public var message: String { "cannot encode JPEG: \(reason)" }
}
