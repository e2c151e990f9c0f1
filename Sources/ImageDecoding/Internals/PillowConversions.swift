// MARK: - Pillow's conversions to RGB, byte for byte

/// The per-pixel conversions Pillow 9.4 applies in `convert("RGB")`, for the modes our decoders
/// produce. Alpha is dropped, never composited, exactly as Pillow does.
///
/// All loops run over unsafe buffers whose sizes the callers have checked.
enum PillowConversions {
    /// Pillow's `MULDIV255`: `a * b / 255`, rounded as libImaging does.
    @inline(__always)
    static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }

    /// Raw CMYK (as libjpeg outputs it) to RGB in place, 4 bytes in, 3 out, same buffer.
    ///
    /// Pillow reads CMYK JPEGs with rawmode `CMYK;I` (Adobe polarity: every byte inverted), then
    /// `cmyk2rgb`: `nk = 255 - k; out = clip(nk - MULDIV255(c, nk))`.
    static func invertedCMYKToRGB(_ buffer: UnsafeMutableBufferPointer<UInt8>, pixels: Int) {
        for i in 0..<pixels {
            let s = i * 4
            let nk = Int(buffer[s + 3])  // 255 - (255 - k_raw)
            let c = 255 - Int(buffer[s]), m = 255 - Int(buffer[s + 1]), y = 255 - Int(buffer[s + 2])
            let d = i * 3
            buffer[d] = UInt8(clamping: nk - mulDiv255(c, nk))
            buffer[d + 1] = UInt8(clamping: nk - mulDiv255(m, nk))
            buffer[d + 2] = UInt8(clamping: nk - mulDiv255(y, nk))
        }
    }

    /// RGBA (4 bytes a pixel) to RGB in place: alpha dropped.
    static func dropAlpha(_ buffer: UnsafeMutableBufferPointer<UInt8>, pixels: Int) {
        for i in 0..<pixels {
            buffer[i * 3] = buffer[i * 4]
            buffer[i * 3 + 1] = buffer[i * 4 + 1]
            buffer[i * 3 + 2] = buffer[i * 4 + 2]
        }
    }
}
