// MARK: - GIF LZW, as Pillow 9.4's GifDecode.c decodes it

/// Pillow 9.4's GIF decoder (`src/libImaging/GifDecode.c`), rewritten in Swift for one frame
/// held in memory. Its behaviour at the edges decides which damaged files decode, so it is
/// kept exactly:
/// - decoding stops, successfully, as soon as the frame's last pixel is written: a missing end
///   code, block terminator or trailer does not matter;
/// - the first code after a clear must be a literal; a code past the next free entry is an
///   error; a full table (4096 entries) stops growing and the code size stays at 12 bits;
/// - a sub-block is used only when all of it is in the file, and needing a byte past the end
///   of the file is "truncated" (Pillow's `ImageFile.load` without `LOAD_TRUNCATED_IMAGES`);
/// - an end code before the last pixel leaves the decoder waiting for more data, which a
///   file held whole never supplies: also "truncated";
/// - interlaced frames are written in the four passes (rows 0+8k, 4+8k, 2+4k, 1+2k).
///
/// giflib's `DGifGetLine` was not used: it rejects a missing end code and early ends in its own
/// ways, and Pillow's pixels are the judge.
struct GIFLZW {
    private static let tableSize = 4096

    /// Writes the frame's indices into `canvas` (`canvasWidth` a row) in the rectangle
    /// `(x, y, width, height)`, reading LZW sub-blocks from `data`.
    static func decode(
        _ data: UnsafeRawBufferPointer, codeSize bits: Int, interlaced: Bool,
        into canvas: UnsafeMutableBufferPointer<UInt8>, canvasWidth: Int, x xoff: Int, y yoff: Int, width: Int,
        height: Int
    ) throws(ImageDecodingError) {
        guard bits >= 0, bits <= 12 else { throw .corrupt(.gif, reason: "LZW code size \(bits) is over 12") }
        var decoder = GIFLZW(bits: bits)
        var rows = InterlacedRows(height: height, interlaced: interlaced)
        var x = 0
        var input = SubBlockReader(data)
        while true {
            let string = try decoder.next(&input)
            for pixel in string {
                canvas[(yoff + rows.y) * canvasWidth + xoff + x] = pixel
                x += 1
                if x == width {
                    x = 0
                    guard rows.advance() else { return }
                }
            }
        }
    }

    // MARK: - The string table

    private let clear: Int
    private let end: Int
    private var next = 0
    private var codeSize = 0
    private var codeMask = 0
    /// 1: reset the table; 2: the next code is the first after a clear; 3: decoding.
    private var phase = 1
    private var lastCode = 0
    private var lastData: UInt8 = 0
    private var suffix = [UInt8](repeating: 0, count: tableSize)
    private var prefix = [Int](repeating: 0, count: tableSize)
    /// Strings are expanded from the right; one slot more than the table for the first pixel.
    private var stack = [UInt8](repeating: 0, count: tableSize + 1)
    private let bits: Int

    private init(bits: Int) {
        self.bits = bits
        clear = 1 << bits
        end = clear + 1
    }

    /// The pixels of the next code (a slice of the reversed-string stack).
    private mutating func next(_ input: inout SubBlockReader) throws(ImageDecodingError) -> ArraySlice<UInt8> {
        while true {
            if phase == 1 {
                (next, codeSize, phase) = (clear + 2, bits + 1, 2)
                codeMask = (1 << codeSize) - 1
            }
            let code = try input.code(bits: codeSize)
            if code == clear {
                if phase != 2 { phase = 1 }
                continue
            }
            // An end code before the frame is complete: Pillow waits for data that never comes.
            guard code != end else { throw .truncated(.gif) }
            if phase == 2 {
                guard code <= clear else { throw .corrupt(.gif, reason: "LZW stream starts with an undefined code") }
                (lastData, lastCode, phase) = (UInt8(truncatingIfNeeded: code), code, 3)
                stack[0] = lastData
                return stack[0..<1]
            }
            return try expand(code)
        }
    }

    /// Expands `code` onto the stack (from its right end) and adds the new table entry.
    private mutating func expand(_ code: Int) throws(ImageDecodingError) -> ArraySlice<UInt8> {
        guard code <= next else { throw .corrupt(.gif, reason: "LZW code \(code) is past the table's end") }
        var top = Self.tableSize + 1
        var c = code
        if c == next {
            top -= 1
            stack[top] = lastData
            c = lastCode
        }
        while c >= clear {
            guard top > 1, c < Self.tableSize else { throw .corrupt(.gif, reason: "LZW string is too long") }
            top -= 1
            stack[top] = suffix[c]
            c = prefix[c]
        }
        lastData = UInt8(truncatingIfNeeded: c)
        top -= 1
        stack[top] = lastData
        if next < Self.tableSize {
            // Netscape's advice, as Pillow takes it: only add while there is room.
            suffix[next] = lastData
            prefix[next] = lastCode
            if next == codeMask && codeSize < 12 {
                codeSize += 1
                codeMask = (1 << codeSize) - 1
            }
            next += 1
        }
        lastCode = code
        return stack[top...]
    }
}

// MARK: - Reading codes out of sub-blocks

/// LZW codes, least significant bit first, from GIF sub-blocks; a sub-block counts only when
/// all of it is present.
private struct SubBlockReader {
    let data: UnsafeRawBufferPointer
    var position = 0
    var blockLeft = 0
    var bitBuffer = 0
    var bitCount = 0

    init(_ data: UnsafeRawBufferPointer) { self.data = data }

    mutating func code(bits: Int) throws(ImageDecodingError) -> Int {
        while bitCount < bits {
            if blockLeft > 0 {
                bitBuffer |= Int(data[position]) << bitCount
                (position, blockLeft, bitCount) = (position + 1, blockLeft - 1, bitCount + 8)
            } else {
                guard position < data.count, Int(data[position]) < data.count - position else { throw .truncated(.gif) }
                blockLeft = Int(data[position])
                position += 1
            }
        }
        let code = bitBuffer & ((1 << bits) - 1)
        bitBuffer >>= bits
        bitCount -= bits
        return code
    }
}

// MARK: - Row order

/// The row each next line of a frame goes to: top to bottom, or GIF's four interlace passes.
private struct InterlacedRows {
    let height: Int
    private(set) var y = 0
    private var step: Int
    private var pass: Int

    init(height: Int, interlaced: Bool) {
        self.height = height
        (step, pass) = interlaced ? (8, 1) : (1, 0)
    }

    /// Moves to the next row; false when the frame is complete.
    mutating func advance() -> Bool {
        y += step
        while y >= height {
            switch pass {
            case 1: (y, pass) = (4, 2)
            case 2: (y, step, pass) = (2, 4, 3)
            case 3: (y, step, pass) = (1, 2, 0)
            default: return false
            }
        }
        return true
    }
}
