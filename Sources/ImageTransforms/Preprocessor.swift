import CImageKernels
import TensorCore

/// Turns an RGB8 image into the normalised float crop a classifier takes, as torchvision would.
///
/// ```
///  RGBImage ──resize shorter side──► ──center crop──► ──/255, -mean, /std──► floats (CHW or HWC)
///  (H, W, 3) u8   Pillow bilinear      torchvision       float32, exact         (3, crop, crop)
///                 or bicubic
/// ```
///
/// The three steps run fused: only the crop's pixels are resampled, and they go straight into the
/// caller's buffer. The result equals `ImageClassification(...)(pil_image)` bit for bit.
/// A `Preprocessor` is immutable and safe to use from many threads at once; its scratch memory is
/// per thread.
public struct Preprocessor: Sendable {
    /// The preset this preprocessor applies.
    public let preset: PreprocessPreset
    /// Floats per image: 3 * crop * crop.
    public let elementCount: Int
    private let table: NormalizationTable
    package var kernel: KernelVariant = .automatic

    /// Creates a preprocessor for `preset`.
    ///
    /// - Throws: ``TransformError`` when the preset is unusable.
    public init(preset: PreprocessPreset) throws {
        self.preset = try preset.validated()
        elementCount = 3 * preset.cropSize * preset.cropSize
        table = NormalizationTable(mean: preset.mean, std: preset.std)
    }

    /// Writes the normalised crop into `output` (count == elementCount).
    ///
    /// - Parameters:
    ///   - image: the decoded picture, (H, W, 3) u8.
    ///   - output: `elementCount` floats; every one is written.
    ///   - layout: `.chw` gives (3, crop, crop), `.hwc` gives (crop, crop, 3).
    public func run(_ image: RGBImage, into output: UnsafeMutableBufferPointer<Float>, layout: TensorLayout = .chw) {
        precondition(output.count == elementCount, "output holds \(output.count) floats; the preset needs \(elementCount)")
        Kernels.preprocess(
            image, geometry: geometry(for: image), table: table, filter: preset.interpolation, into: output, layout: layout,
            kernel: kernel)
    }

    /// The normalised crop as a new array (see ``run(_:into:layout:)``).
    public func tensor(_ image: RGBImage, layout: TensorLayout = .chw) -> [Float] {
        [Float](unsafeUninitializedCapacity: elementCount) { buffer, count in
            run(image, into: buffer, layout: layout)
            count = elementCount
        }
    }

    // MARK: - Geometry

    /// Where the crop's pixels come from in the resized image.
    func geometry(for image: RGBImage) -> bv_crop_geometry {
        // torchvision returns the image unchanged when the shorter side already has the size;
        // outputSize then equals the input size and the C side skips both passes.
        let resized = Resize.outputSize(width: image.width, height: image.height, shorterSide: preset.resizeSize)
        let crop = CenterCrop(width: resized.width, height: resized.height, crop: preset.cropSize)
        return bv_crop_geometry(
            resized_width: Int32(resized.width), resized_height: Int32(resized.height),
            window_x: Int32(crop.x.sourceStart), window_y: Int32(crop.y.sourceStart),
            window_width: Int32(crop.x.length), window_height: Int32(crop.y.length),
            crop_x: Int32(crop.x.cropStart), crop_y: Int32(crop.y.cropStart),
            crop_width: Int32(preset.cropSize), crop_height: Int32(preset.cropSize))
    }
}
