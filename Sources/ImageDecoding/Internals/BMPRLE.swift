// MARK: - BMP RLE4/RLE8, expanded as Pillow 9.4's BmpRleDecoder expands them

/// Pillow 9.4's `BmpRleDecoder.decode`, step for step, quirks included:
/// - a run that would pass the row's end is clipped to it;
/// - a delta escape reads two bytes it ignores, then `right, up` (a 9.4 bug, kept: the pixels
///   of such files depend on it); too few bytes for `right, up` is an error;
/// - an RLE4 absolute run of `n` pixels reads `n / 2` bytes (an odd last pixel is lost);
/// - absolute runs re-align on an even *file* offset;
/// - the stream may stop early (end of file or end of bitmap): then fewer than
///   `width * height` indices is "not enough image data".
enum BMPRLE {
    /// The indices, `width` a row in stored order, at least `width * height` of them.
    static func expand(_ bytes: UnsafeRawBufferPointer, from offset: Int, width: Int, height: Int, fourBit: Bool)
        throws(ImageDecodingError) -> [UInt8]
    {
        let total = width * height
        var reader = FileReader(bytes, at: offset)
        var data: [UInt8] = []
        var x = 0
        expanding: while data.count < total {
            guard let count = reader.uint8(), let byte = reader.uint8() else { break expanding }
            if count != 0 {
                // encoded mode: a run of `count` pixels
                let run = x + Int(count) > width ? max(0, width - x) : Int(count)
                for i in 0..<run { data.append(fourBit ? (i % 2 == 0 ? byte >> 4 : byte & 0x0F) : byte) }
                x += run
                continue
            }
            switch byte {
            case 0:
                // end of line: pad the row with index 0
                let pad = (width - data.count % width) % width
                data.append(contentsOf: repeatElement(0, count: pad))
                x = 0
            case 1:
                break expanding  // end of bitmap
            case 2:
                guard reader.read(2).count == 2 else { break expanding }
                let move = reader.read(2)
                guard move.count == 2 else { throw .corrupt(.bmp, reason: "RLE delta escape is cut short") }
                data.append(contentsOf: repeatElement(0, count: Int(move[0]) + Int(move[1]) * width))
                x = data.count % width
            default:
                // absolute mode: `byte` literal pixels
                let wanted = fourBit ? Int(byte) / 2 : Int(byte)
                let literal = reader.read(wanted)
                for value in literal {
                    if fourBit {
                        data.append(value >> 4)
                        data.append(value & 0x0F)
                    } else {
                        data.append(value)
                    }
                }
                guard literal.count == wanted else { break expanding }
                x += Int(byte)
                if reader.position % 2 != 0 { reader.skip(1) }
            }
        }
        guard data.count >= total else { throw .corrupt(.bmp, reason: "not enough image data") }
        return data
    }
}
