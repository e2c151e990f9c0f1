// MARK: - A palette as Pillow applies it in convert("RGB")

/// 256 RGB entries as a Pillow `P` image holds them: a gray ramp (`i -> (i, i, i)`, what
/// `ImagingPaletteNew` starts with) whose first entries the file's palette overwrites.
/// An index past the file's palette therefore shows gray, as in Pillow.
struct PaletteTable {
    /// 768 bytes, `r g b` per entry.
    private(set) var rgb: [UInt8] = (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }

    /// Overwrites the first entries with `entries` (`entrySize` bytes each, 3 or 4), read as
    /// `B G R [X]` when `blueFirst` and `R G B [X]` otherwise; at most 256 entries are used.
    mutating func load(_ entries: UnsafeRawBufferPointer, entrySize: Int, blueFirst: Bool) {
        let count = min(256, entries.count / entrySize)
        for i in 0..<count {
            let s = i * entrySize
            rgb[3 * i] = entries[s + (blueFirst ? 2 : 0)]
            rgb[3 * i + 1] = entries[s + 1]
            rgb[3 * i + 2] = entries[s + (blueFirst ? 0 : 2)]
        }
    }

    /// Sets entry `index` (0...255) to `(r, g, b)`.
    mutating func set(_ index: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
        guard index >= 0, index < 256 else { return }
        (rgb[3 * index], rgb[3 * index + 1], rgb[3 * index + 2]) = (r, g, b)
    }

    /// Writes the colours of `indices` into `out` (3 bytes per index).
    func expand(_ indices: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        rgb.withUnsafeBufferPointer { table in
            for (i, index) in indices.enumerated() {
                let s = Int(index) * 3
                out[3 * i] = table[s]
                out[3 * i + 1] = table[s + 1]
                out[3 * i + 2] = table[s + 2]
            }
        }
    }
}
