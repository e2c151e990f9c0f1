import ImageDecoding
import ImageTransforms
import TensorCore

extension HTMLReport {
    /// The thumbnail's size: the long side becomes `side`, the aspect ratio is kept (rounded, at
    /// least 1 px), and an image already within `side` keeps its size (no blurry enlargement).
    static func thumbnailSize(width: Int, height: Int, side: Int) -> (width: Int, height: Int) {
        let long = max(width, height)
        guard long > side, side > 0 else { return (width, height) }
        let scale = Double(side) / Double(long)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// A small JPEG of `image`: Pillow's antialiased bilinear resize, then TurboJPEG at `quality`.
    ///
    /// Returns nil when encoding fails: a missing thumbnail must never fail the job.
    static func thumbnail(of image: RGBImage, side: Int, quality: Int) -> [UInt8]? {
        let size = thumbnailSize(width: image.width, height: image.height, side: side)
        let small = size == (image.width, image.height)
            ? image : Resize.bilinear(image, width: size.width, height: size.height)
        return try? JPEGEncoder(quality: quality).encode(small)
    }
}
