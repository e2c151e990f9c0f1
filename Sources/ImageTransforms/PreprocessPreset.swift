/// The parameters of torchvision's `ImageClassification` preset: resize, center crop, normalise.
///
/// `PreprocessPreset.imagenet` is what `ResNet152_Weights.IMAGENET1K_V1.transforms()` (and most
/// torchvision ImageNet weights) apply: shorter side to 256 with Pillow's bilinear filter, a 224
/// center crop, then `(x / 255 - mean) / std` per channel. EfficientNet V1 and V2-L, Swin, MaxViT and
/// the SWAG ViT and RegNet-Y weights resize with Pillow's bicubic filter instead (`interpolation: .bicubic`).
///
/// Upstream: torchvision v0.14.1 `torchvision/transforms/_presets.py`, `ImageClassification`.
public struct PreprocessPreset: Sendable, Equatable {
    /// The shorter side after resizing, in pixels.
    public var resizeSize: Int
    /// The side of the square center crop, in pixels.
    public var cropSize: Int
    /// Per-channel (R, G, B) mean on the [0, 1] scale.
    public var mean: [Float]
    /// Per-channel (R, G, B) standard deviation on the [0, 1] scale.
    public var std: [Float]
    /// The resize filter (`InterpolationMode`): Pillow's bilinear, or its bicubic for EfficientNet, Swin, MaxViT.
    public var interpolation: Interpolation

    public init(
        resizeSize: Int = 256, cropSize: Int = 224,
        mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225], interpolation: Interpolation = .bilinear
    ) {
        self.resizeSize = resizeSize
        self.cropSize = cropSize
        self.mean = mean
        self.std = std
        self.interpolation = interpolation
    }

    /// torchvision's ImageNet preset: resize 256 (bilinear), crop 224, ImageNet mean and std.
    public static let imagenet = PreprocessPreset()

    /// The largest resize or crop side accepted; larger is almost certainly a typo.
    public static let maximumSide = 4096

    /// Returns `self` when every parameter is usable.
    ///
    /// - Throws: ``TransformError`` naming the first bad parameter.
    public func validated() throws -> PreprocessPreset {
        try Self.checkSide(resizeSize, "resize size")
        try Self.checkSide(cropSize, "crop size")
        try Self.checkChannels(mean, "mean")
        try Self.checkChannels(std, "std")
        if let zero = std.firstIndex(of: 0) {
            throw TransformError.zeroStd(channel: zero)
        }
        return self
    }

    // MARK: - Checks

    private static func checkSide(_ value: Int, _ name: String) throws {
        guard value >= 1 && value <= maximumSide else {
            throw TransformError.sizeOutOfRange(name: name, value: value, maximum: maximumSide)
        }
    }

    private static func checkChannels(_ values: [Float], _ name: String) throws {
        guard values.count == 3 else { throw TransformError.wrongChannelCount(name: name, count: values.count) }
        guard values.allSatisfy(\.isFinite) else { throw TransformError.nonFinite(name: name, values: values) }
    }
}

/// torchvision's `InterpolationMode` values the presets use, applied by Pillow on a PIL image.
public enum Interpolation: String, Sendable, Equatable {
    /// `InterpolationMode.BILINEAR`: Pillow's triangle filter, support 1.
    case bilinear
    /// `InterpolationMode.BICUBIC`: Pillow's cubic convolution (a = -0.5), support 2.
    case bicubic
}
