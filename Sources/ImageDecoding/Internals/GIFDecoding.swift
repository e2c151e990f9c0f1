import TensorCore

// MARK: - GIF: the first frame, as Image.open(p).convert("RGB") gives it

/// Decodes the first frame of a GIF as Pillow 9.4 does (see ``GIFStructure`` for the block
/// walk, ``GIFLZW`` for the pixels): the canvas is the logical screen (grown to the frame),
/// filled with the transparency index or 0 outside the frame, then mapped through the palette.
enum GIFDecoding {
    /// Header facts, budget-checked.
    static func info(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> ImageInfo {
        let gif = try GIFStructure(bytes)
        try checkPixelBudget(width: gif.width, height: gif.height, budget: options.pixelBudget)
        return ImageInfo(format: .gif, width: gif.width, height: gif.height, mode: gif.mode, exifOrientation: nil)
    }

    /// The decoded RGB image.
    static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageDecodingError) -> RGBImage {
        let gif = try GIFStructure(bytes)
        try checkPixelBudget(width: gif.width, height: gif.height, budget: options.pixelBudget)
        // Pillow's `setimage`: a rectangle with x0 == x1 == 0 means the whole canvas.
        let whole = gif.frameX == 0 && gif.frameWidth == 0
        let (x, y) = whole ? (0, 0) : (gif.frameX, gif.frameY)
        let (w, h) = whole ? (gif.width, gif.height) : (gif.frameWidth, gif.frameHeight)
        guard w > 0, h > 0 else { throw .corrupt(.gif, reason: "the first frame is empty (\(w)x\(h))") }
        guard let data = bytes.slice(gif.dataOffset, bytes.count - gif.dataOffset) else { throw .truncated(.gif) }
        let indices = try [UInt8].filled(count: gif.width * gif.height) { (canvas) throws(ImageDecodingError) in
            canvas.update(repeating: gif.background)
            try GIFLZW.decode(
                data, codeSize: gif.codeSize, interlaced: gif.interlaced, into: canvas, canvasWidth: gif.width, x: x,
                y: y, width: w, height: h)
        }
        var pixels = [UInt8](repeating: 0, count: gif.width * gif.height * 3)
        let palette = gif.palette ?? PaletteTable()
        indices.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { palette.expand(source, into: $0) }
        }
        return RGBImage(width: gif.width, height: gif.height, pixels: pixels)
    }
}
