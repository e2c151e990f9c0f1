import TensorCore

// MARK: - JPEG: TurboJPEG with Pillow's choices

/// Decodes JPEG (and MPO, whose first image is a JPEG) as Pillow 9.4 does.
///
/// TurboJPEG with default flags runs the same libjpeg-turbo code Pillow runs (islow IDCT, fancy
/// upsampling), so RGB and gray files match byte for byte. CMYK and YCCK files come out of
/// libjpeg as CMYK, which Pillow always reads Adobe-inverted (`CMYK;I`) and converts with
/// `cmyk2rgb`. A truncated file is an error, as in Pillow, where libjpeg alone would pad it.
enum JPEGDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        let structure = try JPEGStructure(bytes)
        try checkPixelBudget(width: structure.width, height: structure.height, budget: options.pixelBudget)
        return ImageInfo(
            format: .jpeg, width: structure.width, height: structure.height, mode: structure.mode,
            exifOrientation: structure.exif.flatMap { EXIFOrientation.read(fromJPEGSegment: $0) })
    }

    /// The decoded RGB image, at full size or DCT-scaled per ``DecodeOptions/jpegMinimumShorterSide``.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        let structure = try JPEGStructure(bytes)
        try checkPixelBudget(width: structure.width, height: structure.height, budget: options.pixelBudget)
        guard JPEGStructure.hasEndMarker(bytes, after: structure.scanStart) else { throw .truncated(.jpeg) }
        let header = try Codecs.jpegHeader(bytes)
        guard Int(header.width) == structure.width, Int(header.height) == structure.height else {
            throw .corrupt(.jpeg, reason: "frame headers disagree on the image size")
        }
        let denominator = scaleDenominator(width: structure.width, height: structure.height, minimum: options.jpegMinimumShorterSide)
        let width = (structure.width + denominator - 1) / denominator
        let height = (structure.height + denominator - 1) / denominator
        let channels = structure.layers == 4 ? 4 : 3
        var pixels = try [UInt8].filled(count: width * height * channels) { out throws(ImageDecodingError) in
            let outcome = try Codecs.jpegDecode(
                bytes, scaleDenominator: denominator, channels: channels, into: UnsafeMutableRawBufferPointer(out),
                width: width, height: height)
            // libjpeg pads a file that ends early and only warns; Pillow refuses it.
            if case .warning(let message) = outcome, message.contains("Premature end of JPEG file") {
                throw .truncated(.jpeg)
            }
            if channels == 4 { PillowConversions.invertedCMYKToRGB(out, pixels: width * height) }
        }
        if channels == 4 { pixels.removeLast(width * height) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The DCT scale Pillow's `draft("RGB", (n, n))` picks: the largest of 8, 4, 2 with
    /// `scale <= min(width // n, height // n)`; 1 when `minimum` is nil.
    static func scaleDenominator(width: Int, height: Int, minimum: Int?) -> Int {
        guard let minimum, minimum > 0 else { return 1 }
        let scale = min(width / minimum, height / minimum)
        return [8, 4, 2].first { scale >= $0 } ?? 1
    }
}
