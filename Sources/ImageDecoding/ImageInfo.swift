/// What an image file's header says, read without decoding its pixels.
public struct ImageInfo: Sendable, Equatable {
    /// The format recognised from the file's signature.
    public let format: ImageFormat
    /// Width as stored, before any EXIF rotation.
    public let width: Int
    /// Height as stored, before any EXIF rotation.
    public let height: Int
    /// Pillow's mode name for this file: "RGB", "L", "CMYK", "P", "RGBA", "LA", "I", "1".
    public let mode: String
    /// The EXIF orientation tag (1...8) when the file carries one.
    public let exifOrientation: Int?

    public init(format: ImageFormat, width: Int, height: Int, mode: String, exifOrientation: Int?) {
        self.format = format
        self.width = width
        self.height = height
        self.mode = mode
        self.exifOrientation = exifOrientation
    }
}
