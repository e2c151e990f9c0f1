// MARK: - PNG chunks, read the way Pillow's PngImagePlugin reads them

/// What Pillow learns from a PNG's chunks, and the checks it makes that libpng does not.
///
/// libpng decodes the pixels, but Pillow accepts or refuses a file by its own chunk walk:
/// before the first IDAT every chunk's CRC is checked and compressed text or ICC data may not
/// inflate past 1 MiB; IDAT CRCs are never checked; after the image data, a chunk whose body
/// is cut short fails the load, and APNG sequence numbers must follow on. This walk mirrors
/// `PngImageFile._open`, `load_read` and `load_end` of Pillow 9.4.
struct PNGStructure {
    var width = 0
    var height = 0
    /// Pillow's mode for the IHDR bit depth and colour type ("1", "L", "I", "RGB", "P", "LA", "RGBA").
    var mode = ""
    /// The last eXIf chunk's body (Pillow keeps the last one it reads).
    var exif: UnsafeRawBufferPointer?
    /// The file is cut short after the data of its last row, which Pillow accepts (libpng,
    /// reading on to the end of the zlib stream, would not).
    var isCutAfterRows = false
    private var bitDepth = 0
    private var colorType = 0
    private var interlaced = false

    /// Pillow's `_MODES`: (bit depth, colour type) to mode.
    private static let modes: [UInt16: String] = [
        0x0100: "1", 0x0200: "L", 0x0400: "L", 0x0800: "L", 0x1000: "I",
        0x0802: "RGB", 0x1002: "RGB",
        0x0103: "P", 0x0203: "P", 0x0403: "P", 0x0803: "P",
        0x0804: "LA", 0x1004: "RGBA", 0x0806: "RGBA", 0x1006: "RGBA",
    ]
    /// Pillow's `MAX_TEXT_CHUNK` (`ImageFile.SAFEBLOCK`): most bytes a text or ICC chunk may inflate to.
    private static let maxTextChunk = 1 << 20

    // APNG state, as PngStream keeps it.
    private var frameCount: Int?
    private var sequence: Int?
    private var sawFrameControl = false

    /// A chunk: type, body and the offset just past its body (where its CRC starts).
    private struct Chunk {
        let type: String
        let body: UnsafeRawBufferPointer?
        let length: Int
        let end: Int
    }

    /// Walks the chunks; throws where Pillow's open or load fails.
    init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        var pos = 8
        var first: Chunk
        // step 1: header chunks up to the first IDAT or fdAT, CRCs checked
        while true {
            guard let chunk = Self.chunk(bytes, at: pos) else {
                throw .corrupt(.png, reason: "broken chunk structure before the image data")
            }
            if chunk.type == "IDAT" || chunk.type == "fdAT" || chunk.type == "IEND" {
                first = chunk
                break
            }
            guard let body = chunk.body else { throw .truncated(.png) }
            try read(chunk.type, body, beforeImage: true)
            guard let crc = bytes.uint32(at: chunk.end) else {
                throw .corrupt(.png, reason: "incomplete checksum in \(chunk.type)")
            }
            guard crc == Self.crc(bytes, chunkAt: pos, length: chunk.length) else {
                throw .corrupt(.png, reason: "bad header checksum in \(chunk.type)")
            }
            pos = chunk.end + 4
        }
        guard !mode.isEmpty, width > 0, height > 0 else { throw .corrupt(.png, reason: "no usable IHDR chunk") }
        guard first.type != "IEND" else { throw .corrupt(.png, reason: "no image data (IDAT)") }
        if first.type == "fdAT" { throw .corrupt(.png, reason: "APNG without a default image (IDAT) is not supported") }
        // step 2: the image data runs on through IDAT/fdAT chunks; their CRCs are not checked
        let defaultImage = frameCount != nil && !sawFrameControl && first.type == "IDAT"
        let animated = (frameCount ?? 1) + (defaultImage ? 1 : 0) > 1
        var imageData: [UnsafeRawBufferPointer] = []
        var chunk: Chunk? = first
        while let current = chunk, current.type == first.type {
            guard let body = current.body else {
                imageData.append(bytes.slice(pos + 8, max(0, bytes.count - pos - 8)) ?? UnsafeRawBufferPointer(start: nil, count: 0))
                try checkCut(imageData, lastIsPartial: true)
                return
            }
            imageData.append(body)
            pos = current.end + 4
            chunk = Self.chunk(bytes, at: pos)
        }
        if chunk == nil && bytes.count < pos + 8 {
            try checkCut(imageData, lastIsPartial: false)
            return
        }
        // step 3: chunks after the image data, up to IEND (or the next frame of an animation)
        while let chunk = Self.chunk(bytes, at: pos), chunk.type != "IEND" {
            if chunk.type == "fcTL" && animated { break }
            guard let body = chunk.body else { throw .truncated(.png) }
            if chunk.type == "fdAT" {
                try checkFrameData(body)
            } else {
                try read(chunk.type, body, beforeImage: false)
            }
            pos = chunk.end + 4
        }
    }

    // MARK: - Files cut short in the image data

    /// Decides a file that ends inside (or just after) its image data chunks, as Pillow does.
    ///
    /// Pillow's decoder stops as soon as every row is decoded; it then reads on from the end of
    /// the chunk where that happened. So the file is good when the rows complete in the last,
    /// partial chunk (or the chunks end cleanly at the end of the file), and truncated when the
    /// rows never complete or a cut-short chunk follows the one where they did.
    private mutating func checkCut(_ parts: [UnsafeRawBufferPointer], lastIsPartial: Bool) throws(ImageDecodingError) {
        let needed = filteredSize()
        var data: [UInt8] = []
        for (k, part) in parts.enumerated() {
            data += part
            let inflated = data.withUnsafeBytes { Codecs.zlibInflatedSize($0, limit: needed) }
            guard inflated == needed else { continue }
            // Rows complete in chunk k; any later chunk in the run must be whole.
            guard !lastIsPartial || k == parts.count - 1 else { throw .truncated(.png) }
            isCutAfterRows = true
            return
        }
        throw .truncated(.png)
    }

    /// Bytes of filtered image data (a filter byte a row), over every Adam7 pass when interlaced.
    private func filteredSize() -> Int {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 1
        let bitsPerPixel = bitDepth * channels
        let passes: [(x: Int, y: Int, dx: Int, dy: Int)] =
            interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var needed = 0
        for pass in passes where width > pass.x && height > pass.y {
            let columns = (width - pass.x + pass.dx - 1) / pass.dx
            let rows = (height - pass.y + pass.dy - 1) / pass.dy
            needed += rows * (1 + (columns * bitsPerPixel + 7) / 8)
        }
        return needed
    }

    // MARK: - Chunk handlers

    /// Pillow's `chunk_*` handlers, for the checks and facts that matter to decoding.
    private mutating func read(_ type: String, _ body: UnsafeRawBufferPointer, beforeImage: Bool) throws(ImageDecodingError) {
        switch type {
        case "IHDR":
            guard body.count >= 13, let w = body.uint32(at: 0), let h = body.uint32(at: 4) else {
                throw .corrupt(.png, reason: "truncated IHDR chunk")
            }
            (width, height) = (Int(w), Int(h))
            mode = Self.modes[UInt16(body[8]) << 8 | UInt16(body[9])] ?? ""
            (bitDepth, colorType, interlaced) = (Int(body[8]), Int(body[9]), body[12] != 0)
            guard body[11] == 0 else { throw .corrupt(.png, reason: "unknown filter category") }
        case "PLTE" where mode == "P":
            // Pillow's putpalette refuses more than 256 entries.
            guard body.count <= 768 else { throw .corrupt(.png, reason: "invalid palette size") }
        case "iCCP":
            try checkCompressed(body)
        case "zTXt":
            try checkCompressed(body)
        case "iTXt":
            try checkInternationalText(body)
        case "acTL":
            guard body.count >= 8, let n = body.uint32(at: 0) else { throw .corrupt(.png, reason: "APNG contains truncated acTL chunk") }
            if frameCount != nil || n == 0 || n > 0x8000_0000 {
                frameCount = nil  // Pillow: "Invalid APNG, will use default PNG image if possible"
            } else {
                frameCount = Int(n)
            }
        case "fcTL":
            try readFrameControl(body)
        case "eXIf":
            exif = body
        default:
            break
        }
    }

    /// zTXt and iCCP: keyword NUL method data; method must be 0, data must not inflate past 1 MiB.
    private func checkCompressed(_ body: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        let methodOffset = body.firstIndex(of: 0).map { $0 + 1 } ?? body.count
        let compression = body.uint8(at: methodOffset) ?? 0
        guard compression == 0 else { throw .corrupt(.png, reason: "unknown compression method \(compression)") }
        guard let data = body.slice(methodOffset + 1, max(0, body.count - methodOffset - 1)) else { return }
        if (Codecs.zlibInflatedSize(data, limit: Self.maxTextChunk + 1) ?? 0) > Self.maxTextChunk {
            throw .corrupt(.png, reason: "decompressed text or ICC data too large")
        }
    }

    /// iTXt: only a compressed one (flag 1, method 0) is inflated, and so limited.
    private func checkInternationalText(_ body: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        guard let nul = body.firstIndex(of: 0), nul + 2 < body.count else { return }
        let (flag, method) = (body[nul + 1], body[nul + 2])
        guard flag != 0, method == 0 else { return }
        // language NUL translated-keyword NUL text
        var pos = nul + 3
        for _ in 0..<2 {
            guard let next = body[pos...].firstIndex(of: 0) else { return }
            pos = next + 1
        }
        guard let data = body.slice(pos, body.count - pos) else { return }
        if (Codecs.zlibInflatedSize(data, limit: Self.maxTextChunk + 1) ?? 0) > Self.maxTextChunk {
            throw .corrupt(.png, reason: "decompressed text too large")
        }
    }

    /// fcTL: sequence numbers start at 0 and follow on; the frame must fit the image.
    private mutating func readFrameControl(_ body: UnsafeRawBufferPointer) throws(ImageDecodingError) {
        guard body.count >= 26, let seq = body.uint32(at: 0), let w = body.uint32(at: 4), let h = body.uint32(at: 8),
            let x = body.uint32(at: 12), let y = body.uint32(at: 16)
        else { throw .corrupt(.png, reason: "APNG contains truncated fcTL chunk") }
        try advanceSequence(to: Int(seq))
        guard Int(x) + Int(w) <= width, Int(y) + Int(h) <= height else {
            throw .corrupt(.png, reason: "APNG contains invalid frames")
        }
        // NOTE: Pillow decodes the IDAT into the fcTL box; a first frame smaller than the image
        // (which the APNG spec forbids) is refused rather than decoded differently.
        guard sawFrameControl || (x == 0 && y == 0 && Int(w) == width && Int(h) == height) else {
            throw .corrupt(.png, reason: "APNG first frame does not cover the image")
        }
        sawFrameControl = true
    }

    /// fdAT: at least a sequence number, which must follow on.
    private mutating func checkFrameData(_ body: UnsafeRawBufferPointer?) throws(ImageDecodingError) {
        guard let body else { throw .truncated(.png) }
        guard let seq = body.uint32(at: 0) else { throw .corrupt(.png, reason: "APNG contains truncated fdAT chunk") }
        // Pillow: an fdAT before any fcTL is always out of sequence.
        guard sequence != nil else { throw .corrupt(.png, reason: "APNG contains frame sequence errors") }
        try advanceSequence(to: Int(seq))
    }

    /// Sequence numbers start at 0 and go up by one, across fcTL and fdAT chunks.
    private mutating func advanceSequence(to seq: Int) throws(ImageDecodingError) {
        let expected = sequence.map { $0 + 1 } ?? 0
        guard seq == expected else {
            throw .corrupt(.png, reason: "APNG contains frame sequence errors")
        }
        sequence = seq
    }

    // MARK: - Chunk framing

    /// The chunk at `pos`; nil when its 8-byte header is missing or its type is not 4 word
    /// characters (Pillow's `is_cid`). The body is nil when the file ends inside it.
    private static func chunk(_ bytes: UnsafeRawBufferPointer, at pos: Int) -> Chunk? {
        guard let length = bytes.uint32(at: pos), let typeBytes = bytes.slice(pos + 4, 4) else { return nil }
        let isWord = typeBytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F }
        guard isWord else { return nil }
        let type = String(decoding: typeBytes, as: UTF8.self)
        let body = bytes.slice(pos + 8, Int(length))
        return Chunk(type: type, body: body, length: Int(length), end: pos + 8 + Int(length))
    }

    /// The CRC over a chunk's type and body.
    private static func crc(_ bytes: UnsafeRawBufferPointer, chunkAt pos: Int, length: Int) -> UInt32 {
        guard let covered = bytes.slice(pos + 4, 4 + length) else { return 0 }
        return Codecs.crc32(covered)
    }
}
