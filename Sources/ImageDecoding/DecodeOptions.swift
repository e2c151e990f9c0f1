/// How ``ImageDecoder`` decodes: limits for hostile input, and opt-in deviations from Pillow.
public struct DecodeOptions: Sendable {
    /// The most pixels (width × height) a file may declare; more is refused before allocating.
    ///
    /// The default is Pillow's decompression-bomb *error* limit, `2 * Image.MAX_IMAGE_PIXELS`.
    public var pixelBudget: Int = 178_956_970
    /// Rotate/flip by the EXIF orientation tag as `PIL.ImageOps.exif_transpose` does.
    public var applyEXIFOrientation = false
    /// When set, JPEGs whose shorter side is at least twice this are decoded with DCT scaling
    /// (1/2, 1/4 or 1/8), picking the scale as Pillow's `draft("RGB", (n, n))` does.
    /// nil decodes at full size, exactly as Pillow does by default.
    public var jpegMinimumShorterSide: Int? = nil
    /// Files larger than this are refused before they are read.
    public var maximumFileBytes: Int = 1 << 30

    public init(
        pixelBudget: Int = 178_956_970,
        applyEXIFOrientation: Bool = false,
        jpegMinimumShorterSide: Int? = nil,
        maximumFileBytes: Int = 1 << 30
    ) {
        self.pixelBudget = pixelBudget
        self.applyEXIFOrientation = applyEXIFOrientation
        self.jpegMinimumShorterSide = jpegMinimumShorterSide
        self.maximumFileBytes = maximumFileBytes
    }
}
