// MARK: - Uncompressed TIFF, read as Pillow 9.4 reads it (its "raw" tiles, not libtiff)

/// Pillow reads uncompressed TIFFs without libtiff: `TiffImageFile._setup` makes one "raw"
/// tile per strip or tile offset, and `ImageFile.load` unpacks each from its offset. This is
/// that reader, writing the same sample layout libtiff's path gives (see ``TIFFPixels``).
///
/// Kept from Pillow: `StripByteCounts` are ignored (a tile reads as many bytes as its rows
/// need); the last row of a tile needs no padding; a tile whose rows run past the end of the
/// file is "truncated"; with planar samples each run of tiles covering the image is the next
/// band, and more runs than bands is an error (`rawmode[layer]`).
struct TIFFRawTiles {
    let offsets: [Int]
    /// Tile (or strip) width and height.
    let tileWidth: Int
    let tileHeight: Int

    /// Pillow's tiles for `fields`, or an error where `_setup` fails.
    init(_ fields: TIFFFields, width: Int, height: Int) throws(ImageDecodingError) {
        if let strips = fields[TIFFTag.stripOffsets] {
            (offsets, tileWidth, tileHeight) = (strips, width, fields.scalar(TIFFTag.rowsPerStrip) ?? height)
        } else if let tiles = fields[TIFFTag.tileOffsets], let w = fields.scalar(TIFFTag.tileWidth),
            let h = fields.scalar(TIFFTag.tileLength)
        {
            (offsets, tileWidth, tileHeight) = (tiles, w, h)
        } else {
            throw .corrupt(.tiff, reason: "unknown data organization (no strips or tiles)")
        }
        guard tileWidth > 0, tileHeight > 0 else { throw .corrupt(.tiff, reason: "tile cannot extend outside image") }
    }

    /// Reads every tile of `layout` from `bytes` into `out` (the layout's sample buffer), with
    /// 16/32-bit samples in host order, as libtiff would give them.
    func read(_ bytes: UnsafeRawBufferPointer, layout: TIFFLayout, into out: UnsafeMutableBufferPointer<UInt8>)
        throws(ImageDecodingError)
    {
        try copyTiles(bytes, layout: layout, into: out)
        if layout.reversedBits {
            for i in out.indices { out[i] = Self.reversed(out[i]) }
        }
        let sampleBytes = layout.bitsPerSample / 8
        guard bytes.matches("MM", at: 0), sampleBytes == 2 || sampleBytes == 4 else { return }
        for start in stride(from: 0, to: out.count - sampleBytes + 1, by: sampleBytes) {
            var sample = UnsafeMutableBufferPointer(rebasing: out[start..<start + sampleBytes])
            sample.reverse()
        }
    }

    /// `byte` with its bit order reversed (Pillow's `BITFLIP`).
    private static func reversed(_ byte: UInt8) -> UInt8 {
        var (value, result) = (byte, UInt8(0))
        for _ in 0..<8 {
            result = result << 1 | value & 1
            value >>= 1
        }
        return result
    }

    private func copyTiles(
        _ bytes: UnsafeRawBufferPointer, layout: TIFFLayout, into out: UnsafeMutableBufferPointer<UInt8>
    )
        throws(ImageDecodingError)
    {
        let (width, height) = (layout.width, layout.height)
        let bits = layout.bitsPerPixel
        let planeRow = (width * bits + 7) / 8
        // Strips may repeat (the offsets wrap round the image); more than a few passes over the
        // image can only come from a hostile file, and would take time quadratic in its size.
        var budget = 8 * out.count + 1 << 20
        var (x, y, layer) = (0, 0, 0)
        for offset in offsets {
            guard layer < layout.planes || layout.planes == 1 else {
                throw .corrupt(.tiff, reason: "more strips than the image's bands hold")
            }
            let columns = min(x + tileWidth, width) - x
            let rows = min(y + tileHeight, height) - y
            let rowBytes = (columns * bits + 7) / 8
            // Pillow's stride: only tiles that stick out of the image skip padding between rows.
            let stride = x + tileWidth > width ? tileWidth * bits / 8 : 0
            let step = stride != 0 ? stride : rowBytes
            guard step >= rowBytes, x * bits % 8 == 0 else {
                throw .corrupt(.tiff, reason: "tile rows are wider than their stride")
            }
            guard offset <= bytes.count, (rows - 1) * step + rowBytes <= bytes.count - offset else {
                throw .truncated(.tiff)
            }
            budget -= rows * rowBytes
            guard budget >= 0 else { throw .corrupt(.tiff, reason: "strips cover the image too many times") }
            let plane = layout.planes > 1 ? layer : 0
            for r in 0..<rows {
                let destination = (plane * height + y + r) * planeRow + x * bits / 8
                let source = offset + r * step
                UnsafeMutableRawBufferPointer(
                    UnsafeMutableBufferPointer(rebasing: out[destination..<destination + rowBytes])
                )
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[source..<source + rowBytes]))
            }
            x += tileWidth
            if x >= width {
                (x, y) = (0, y + tileHeight)
                if y >= height { (x, y, layer) = (0, 0, layer + 1) }
            }
        }
    }
}
