/// The preprocessing parameters a user set (`--resize`, `--crop`, `--mean`, `--std`); the rest come
/// from the model's own preset. This is the one place where a user's choice meets a model's preset.
public struct PresetOverrides: Sendable, Equatable {
    public var resizeSize: Int?
    public var cropSize: Int?
    public var mean: [Float]?
    public var std: [Float]?

    public init(resizeSize: Int? = nil, cropSize: Int? = nil, mean: [Float]? = nil, std: [Float]? = nil) {
        (self.resizeSize, self.cropSize, self.mean, self.std) = (resizeSize, cropSize, mean, std)
    }

    /// Whether the user set nothing.
    public var isEmpty: Bool { self == PresetOverrides() }

    /// `base` (a model's preset) with the parameters set here replacing its own, checked.
    ///
    /// - Throws: ``TransformError`` naming the first bad parameter.
    public func applied(to base: PreprocessPreset) throws -> PreprocessPreset {
        try PreprocessPreset(
            resizeSize: resizeSize ?? base.resizeSize, cropSize: cropSize ?? base.cropSize, mean: mean ?? base.mean,
            std: std ?? base.std, interpolation: base.interpolation
        ).validated()
    }
}
