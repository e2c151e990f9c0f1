/// Where torchvision's `center_crop` takes its pixels from, including its zero padding.
///
/// Per axis, independently: when the crop is longer than the image, the image is padded with
/// `(crop - size) // 2` zeros before (and the rest after) and all of it is kept; otherwise the crop
/// starts at `int(round((size - crop) / 2.0))`, where Python rounds halves to even.
///
/// Upstream: torchvision v0.14.1 `transforms/functional.py` `center_crop`.
struct CenterCrop: Equatable {
    /// How one axis of the crop maps onto the (resized) image.
    struct Axis: Equatable {
        /// First image index inside the crop.
        var sourceStart: Int
        /// How many image indices the crop covers.
        var length: Int
        /// Where `sourceStart` lands in the crop; indices before it, and after `+ length`, are padding.
        var cropStart: Int
    }

    var x: Axis
    var y: Axis

    init(width: Int, height: Int, crop: Int) {
        x = Self.axis(size: width, crop: crop)
        y = Self.axis(size: height, crop: crop)
    }

    static func axis(size: Int, crop: Int) -> Axis {
        if crop > size {
            return Axis(sourceStart: 0, length: size, cropStart: (crop - size) / 2)
        }
        let offset = Int((Double(size - crop) / 2.0).rounded(.toNearestOrEven))
        return Axis(sourceStart: offset, length: crop, cropStart: 0)
    }
}
