// MARK: - TIFF samples as libtiff returns them, to Pillow's RGB

/// Converts the decoded samples of a ``TIFFLayout`` to the RGB of Pillow's `convert("RGB")`.
///
/// Layout: `planes` planes, each `height` rows of `ceil(width * bitsPerPixel / 8)` bytes;
/// sub-byte samples are packed most significant bit first, 16/32-bit ones are in host order
/// (little-endian here). Pillow's conversions, by mode (Convert.c / Unpack.c, 9.4.0):
/// - `1`, `L`: bits scaled by `0x55` (2-bit) or `0x11` (4-bit); min-is-white is inverted.
/// - `I;16`, `I`: `I16L_L` / `i2rgb`, clipped to 0...255. `F`: `f2l`, clipped and truncated.
/// - 16-bit RGB/CMYK: the high byte of each sample. Premultiplied alpha (`RGBa`) divides
///   the colour by alpha (`v * 255 / a`, clipped; alpha 0 gives black), alpha is dropped.
/// - `CMYK`: `cmyk2rgb`. `P`/`PA`: the colormap's high bytes, the gray ramp past its end.
struct TIFFPixels {
    let layout: TIFFLayout
    let samples: UnsafeRawBufferPointer

    func convert(into out: UnsafeMutableBufferPointer<UInt8>) {
        let rowBytes = (layout.width * layout.bitsPerPixel + 7) / 8
        for y in 0..<layout.height {
            for x in 0..<layout.width {
                let (r, g, b) = pixel(x, y, rowBytes: rowBytes)
                let o = (y * layout.width + x) * 3
                (out[o], out[o + 1], out[o + 2]) = (r, g, b)
            }
        }
    }

    private func pixel(_ x: Int, _ y: Int, rowBytes: Int) -> (UInt8, UInt8, UInt8) {
        func s(_ i: Int) -> UInt32 { sample(x, y, i, rowBytes: rowBytes) }
        switch layout.pixels {
        case .bilevel(let whiteIsZero):
            let v: UInt8 = (s(0) == 1) != whiteIsZero ? 255 : 0
            return (v, v, v)
        case .gray(let bits, let whiteIsZero):
            let scaled = UInt8(truncatingIfNeeded: s(0) * (bits == 2 ? 0x55 : bits == 4 ? 0x11 : 1))
            let v = whiteIsZero ? 255 - scaled : scaled
            return (v, v, v)
        case .integer(let signed):
            let raw = s(0)
            let value =
                signed && layout.bitsPerSample == 16
                ? Int(Int16(truncatingIfNeeded: raw))
                : signed ? Int(Int32(bitPattern: raw)) : Int(raw)
            let v = UInt8(clamping: value)
            return (v, v, v)
        case .float:
            let f = Float(bitPattern: s(0))
            let v: UInt8 = f <= 0 ? 0 : f >= 255 ? 255 : f.isNaN ? 0 : UInt8(f)
            return (v, v, v)
        case .grayAlpha:
            let v = UInt8(truncatingIfNeeded: s(0))
            return (v, v, v)
        case .rgb(let premultiplied):
            let (r, g, b) = (byte(s(0)), byte(s(1)), byte(s(2)))
            guard premultiplied else { return (r, g, b) }
            let a = Int(byte(s(3)))
            guard a != 0 else { return (0, 0, 0) }
            guard a != 255 else { return (r, g, b) }
            return (
                UInt8(clamping: Int(r) * 255 / a), UInt8(clamping: Int(g) * 255 / a), UInt8(clamping: Int(b) * 255 / a)
            )
        case .palette:
            let i = Int(s(0) & 0xFF) * 3
            return (layout.palette.rgb[i], layout.palette.rgb[i + 1], layout.palette.rgb[i + 2])
        case .cmyk:
            let nk = 255 - Int(byte(s(3)))
            func channel(_ v: UInt8) -> UInt8 { UInt8(clamping: nk - PillowConversions.mulDiv255(Int(v), nk)) }
            return (channel(byte(s(0))), channel(byte(s(1))), channel(byte(s(2))))
        case .lab:
            return (0, 0, 0)  // converted as a whole by `TIFFPixels.labToRGB`
        case .decodedRGB:
            let stride = layout.read == .rgba ? 4 : 3
            let o = y * rowBytes + x * stride
            return (samples[o], samples[o + 1], samples[o + 2])
        }
    }

    /// LAB samples (3 bytes a pixel, a and b signed) as Pillow's LAB image converts to RGB:
    /// unpacked as `ImagingUnpackLAB` does (a, b offset by 128), then through LittleCMS.
    static func labToRGB(_ samples: UnsafeRawBufferPointer, pixels: Int) throws(ImageDecodingError) -> [UInt8] {
        var lab = [UInt8](repeating: 255, count: pixels * 4)
        for i in 0..<pixels {
            (lab[4 * i], lab[4 * i + 1], lab[4 * i + 2]) = (
                samples[3 * i], samples[3 * i + 1] ^ 128, samples[3 * i + 2] ^ 128
            )
        }
        var rgba = try withBytes(of: lab) { (raw) throws(ImageDecodingError) in
            try [UInt8].filled(count: pixels * 4) { out throws(ImageDecodingError) in
                try Codecs.labToRGBA(raw, into: UnsafeMutableRawBufferPointer(out))
                PillowConversions.dropAlpha(out, pixels: pixels)
            }
        }
        rgba.removeLast(pixels)
        return rgba
    }

    /// An 8-bit view of a sample: itself, or the high byte of a 16-bit one.
    @inline(__always)
    private func byte(_ value: UInt32) -> UInt8 {
        UInt8(truncatingIfNeeded: layout.bitsPerSample == 16 ? value >> 8 : value)
    }

    /// Sample `index` of pixel `(x, y)`.
    private func sample(_ x: Int, _ y: Int, _ index: Int, rowBytes: Int) -> UInt32 {
        let bits = layout.bitsPerSample
        let (plane, position) = layout.planes > 1 ? (index, x) : (0, x * layout.samplesPerPixel + index)
        let rowStart = (plane * layout.height + y) * rowBytes
        switch bits {
        case 8: return UInt32(samples[rowStart + position])
        case 16: return UInt32(samples[rowStart + 2 * position]) | UInt32(samples[rowStart + 2 * position + 1]) << 8
        case 32:
            let o = rowStart + 4 * position
            return UInt32(samples[o]) | UInt32(samples[o + 1]) << 8 | UInt32(samples[o + 2]) << 16 | UInt32(
                samples[o + 3]) << 24
        default:
            // packed, most significant bit first (1, 2, 4 and 12 bits)
            var value: UInt32 = 0
            let first = position * bits
            for bit in first..<(first + bits) {
                value = value << 1 | UInt32(samples[rowStart + bit >> 3] >> UInt8(7 - bit & 7) & 1)
            }
            return value
        }
    }
}
