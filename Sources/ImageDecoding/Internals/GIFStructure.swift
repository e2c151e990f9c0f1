// MARK: - GIF blocks up to the first image, walked as Pillow 9.4's GifImagePlugin walks them

/// The first frame of a GIF as Pillow 9.4's `GifImageFile._open` and `_seek(0)` find it.
///
/// Upstream: python-pillow/Pillow 9.4.0 `src/PIL/GifImagePlugin.py`. What matters for pixels:
/// - the canvas is the logical screen, grown to hold the first frame when it sticks out;
/// - a palette that is the identity ramp (`i -> (i, i, i)`) is "not needed": with no other
///   palette the image is mode `L`; a needed local palette beats the global one, and a frame
///   whose local palette is the ramp still shows the global palette (Pillow's `putpalette`
///   turns the `L` core image into `P`);
/// - with a transparency index the canvas starts filled with it, otherwise with index 0;
/// - blocks Pillow cannot parse (a short graphic control block, a missing label) are errors,
///   unknown bytes between blocks are skipped.
struct GIFStructure {
    /// The canvas (logical screen, grown to the first frame).
    let width: Int
    let height: Int
    /// The first frame's rectangle on the canvas.
    let frameX: Int
    let frameY: Int
    let frameWidth: Int
    let frameHeight: Int
    let interlaced: Bool
    /// The LZW minimum code size byte.
    let codeSize: Int
    /// Where the frame's LZW sub-blocks start.
    let dataOffset: Int
    /// The index the canvas starts filled with.
    let background: UInt8
    /// The palette `convert("RGB")` applies; nil shows indices as gray.
    let palette: PaletteTable?
    /// Pillow's mode: "P", or "L" when the frame has no needed palette.
    let mode: String

    init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        // step 1: screen descriptor and global palette
        var reader = FileReader(bytes)
        let screen = reader.read(13)
        guard screen.count == 13, let w = screen.uint16(at: 6, bigEndian: false),
            let h = screen.uint16(at: 8, bigEndian: false)
        else { throw .truncated(.gif) }
        var (width, height) = (Int(w), Int(h))
        var global: PaletteTable?
        if screen[10] & 0x80 != 0 {
            global = try Self.neededPalette(reader.read(3 << (Int(screen[10] & 7) + 1)))
        }
        // step 2: blocks up to the first image descriptor
        var transparency: UInt8?
        var byte = reader.uint8()
        while let tag = byte, tag != 0x3B, tag != 0x2C {
            if tag == 0x21 { transparency = try Self.readExtension(&reader) ?? transparency }
            byte = reader.uint8()
        }
        guard byte == 0x2C else { throw .corrupt(.gif, reason: "no image in the file") }
        // step 3: the image descriptor, local palette and LZW code size
        let descriptor = reader.read(9)
        guard descriptor.count == 9 else { throw .truncated(.gif) }
        func u16(_ at: Int) -> Int { Int(descriptor.uint16(at: at, bigEndian: false) ?? 0) }
        (frameX, frameY, frameWidth, frameHeight) = (u16(0), u16(2), u16(4), u16(6))
        (width, height) = (max(width, frameX + frameWidth), max(height, frameY + frameHeight))
        interlaced = descriptor[8] & 0x40 != 0
        var local: PaletteTable??
        if descriptor[8] & 0x80 != 0 {
            local = .some(try Self.neededPalette(reader.read(3 << (Int(descriptor[8] & 7) + 1))))
        }
        guard let bits = reader.uint8() else { throw .truncated(.gif) }
        codeSize = Int(bits)
        dataOffset = reader.position
        // step 4: what Pillow makes of the palettes and the transparency
        let framePalette: PaletteTable? = local ?? global
        mode = framePalette == nil ? "L" : "P"
        palette = (local ?? nil) ?? global
        background = transparency ?? 0
        (self.width, self.height) = (width, height)
        guard width > 0, height > 0 else { throw .corrupt(.gif, reason: "image has no pixels (\(width)x\(height))") }
    }

    /// The palette, or nil when it is the identity ramp Pillow drops ("not needed").
    ///
    /// Pillow's test is a chained comparison, `i // 3 == p[i] == p[i + 1] == p[i + 2]`, so a
    /// palette cut mid-entry is an error only when the test reaches the missing byte.
    private static func neededPalette(_ p: UnsafeRawBufferPointer) throws(ImageDecodingError) -> PaletteTable? {
        for i in stride(from: 0, to: p.count, by: 3) {
            guard p[i] == UInt8(truncatingIfNeeded: i / 3) else { return table(p) }
            guard i + 1 < p.count else { throw .truncated(.gif) }
            guard p[i + 1] == p[i] else { return table(p) }
            guard i + 2 < p.count else { throw .truncated(.gif) }
            guard p[i + 2] == p[i] else { return table(p) }
        }
        return nil
    }

    private static func table(_ p: UnsafeRawBufferPointer) -> PaletteTable {
        var table = PaletteTable()
        table.load(p, entrySize: 3, blueFirst: false)
        return table
    }

    /// Reads one extension after its `!`; returns the transparency index of a graphic control
    /// block that sets one.
    private static func readExtension(_ reader: inout FileReader) throws(ImageDecodingError) -> UInt8? {
        guard let label = reader.uint8() else { throw .truncated(.gif) }
        var block = subBlock(&reader)
        var transparency: UInt8?
        switch label {
        case 0xF9:
            // graphic control: flags, delay (2 bytes), transparency index
            guard let body = block, body.count >= 3, body[0] & 1 == 0 || body.count >= 4 else {
                throw .corrupt(.gif, reason: "graphic control extension is too short")
            }
            if body[0] & 1 != 0 { transparency = body[3] }
        case 0xFE:
            // comment: its sub-blocks are read by the comment loop itself
            while block != nil { block = subBlock(&reader) }
            return nil
        case 0xFF:
            guard let body = block else { throw .corrupt(.gif, reason: "application extension has no body") }
            if body.count >= 11, body.matches("NETSCAPE2.0", at: 0), subBlock(&reader) == nil {
                throw .corrupt(.gif, reason: "NETSCAPE2.0 extension has no loop block")
            }
        default:
            break
        }
        while subBlock(&reader) != nil {}
        return transparency
    }

    /// Pillow's `data()`: a length byte and up to that many bytes; nil for length 0 or the end.
    private static func subBlock(_ reader: inout FileReader) -> UnsafeRawBufferPointer? {
        guard let length = reader.uint8(), length != 0 else { return nil }
        let body = reader.read(Int(length))
        return body.isEmpty ? nil : body
    }
}
