import ArgumentParser
import BatchVision

/// How images are decoded: shared by every command that reads images.
struct DecodeOptionGroup: ParsableArguments {
    @Option(
        name: .customLong("max-pixels"),
        help: "Refuse images whose declared width × height exceeds this, before allocating (Pillow's decompression-bomb limit).")
    var maxPixels: Int = DecodeOptions().pixelBudget

    @Flag(help: "Rotate/flip images by their EXIF orientation tag, as PIL.ImageOps.exif_transpose does (off: pixels as stored, like Pillow and torchvision).")
    var applyExifOrientation = false

    @Flag(help: "Decode large JPEGs at 1/2, 1/4 or 1/8 scale (libjpeg DCT scaling) when still at least the model's resize size: faster, not pixel-exact.")
    var fastDecode = false

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
    }

    /// The exact decoder's options; `--fast-decode` is applied by the classifier, which knows the resize size.
    var options: DecodeOptions {
        var options = DecodeOptions()
        options.pixelBudget = maxPixels
        options.applyEXIFOrientation = applyExifOrientation
        return options
    }
}
