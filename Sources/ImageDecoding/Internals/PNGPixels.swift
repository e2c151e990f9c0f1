// MARK: - PNG rows as stored, to Pillow's RGB

/// Turns PNG rows as libpng stores them (packed samples, 16-bit big-endian) into the RGB that
/// Pillow's `open(...).convert("RGB")` gives, for every bit depth and colour type.
///
/// Pillow's rawmodes, and what they make of a sample `v` (see `PngImagePlugin._MODES`):
/// - gray 1/2/4-bit (`1`, `L;2`, `L;4`): `v * 255 / max`; 8-bit as is.
/// - gray 16-bit (`I;16B` to mode `I`, then `i2rgb`): the 16-bit value clipped to 0...255.
/// - RGB, RGBA, gray+alpha 16-bit (`*;16B`): the high byte of each sample.
/// - palette (`P;1` ... `P`): the PLTE entry; an index past PLTE's end gives gray `(i, i, i)`,
///   because Pillow's palette starts as a gray ramp and PLTE overwrites its first entries.
/// - alpha of every kind is dropped, not composited.
struct PNGPixels {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int
    let rowBytes: Int
    /// 256 RGB entries: PLTE first, then the gray ramp.
    let palette: [UInt8]

    /// Converts `rows` (`rowBytes * height`) into `out` (`width * height * 3`).
    func convert(_ rows: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) {
        for y in 0..<height {
            guard let row = rows.slice(y * rowBytes, rowBytes) else { return }
            let line = UnsafeMutableBufferPointer(rebasing: out[(y * width * 3)..<((y + 1) * width * 3)])
            convertRow(row, into: line)
        }
    }

    private func convertRow(_ row: UnsafeRawBufferPointer, into line: UnsafeMutableBufferPointer<UInt8>) {
        switch (colorType, bitDepth) {
        case (0, 16):
            for x in 0..<width {
                let value = UInt8(clamping: Int(row[2 * x]) << 8 | Int(row[2 * x + 1]))
                put(line, x, value, value, value)
            }
        case (0, _):
            let scale = UInt8(255 / ((1 << bitDepth) - 1))
            for x in 0..<width {
                let value = sample(row, x) &* scale
                put(line, x, value, value, value)
            }
        case (3, _):
            palette.withUnsafeBufferPointer { table in
                for x in 0..<width {
                    let i = Int(sample(row, x)) * 3
                    put(line, x, table[i], table[i + 1], table[i + 2])
                }
            }
        default:
            // gray+alpha (4), RGB (2), RGBA (6): take the high byte of each channel; drop alpha.
            let channels = colorType == 4 ? 2 : colorType == 2 ? 3 : 4
            let step = bitDepth / 8
            for x in 0..<width {
                let p = x * channels * step
                if colorType == 4 {
                    put(line, x, row[p], row[p], row[p])
                } else {
                    put(line, x, row[p], row[p + step], row[p + 2 * step])
                }
            }
        }
    }

    /// The `x`-th packed sample of a row with 1, 2, 4 or 8 bits a sample.
    @inline(__always)
    private func sample(_ row: UnsafeRawBufferPointer, _ x: Int) -> UInt8 {
        switch bitDepth {
        case 8: return row[x]
        default:
            let perByte = 8 / bitDepth
            let byte = row[x / perByte]
            let shift = 8 - bitDepth * (x % perByte + 1)
            return (byte >> UInt8(shift)) & UInt8((1 << bitDepth) - 1)
        }
    }

    @inline(__always)
    private func put(_ line: UnsafeMutableBufferPointer<UInt8>, _ x: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
        line[3 * x] = r
        line[3 * x + 1] = g
        line[3 * x + 2] = b
    }
}
