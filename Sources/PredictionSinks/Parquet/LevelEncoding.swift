/// Encodes definition and repetition levels with Parquet's RLE / bit-packed hybrid encoding.
///
/// The stream is a sequence of runs, each opened by a ULEB128 varint header:
/// ```
/// header = count << 1 | 0   then the value in ceil(bitWidth / 8) bytes      (RLE run)
/// header = groups << 1 | 1  then groups * bitWidth bytes, 8 values a group  (bit-packed run)
/// ```
/// Bit-packed values fill each byte from its least significant bit. Runs of 8 or more equal
/// levels (long stretches of nulls, or of non-null scalars) become RLE runs; the rest is packed.
/// Only the last bit-packed group may be padded, because a reader stops after the page's
/// `num_values` levels. See Encodings.md in apache/parquet-format.
enum LevelEncoding {
    /// The bits needed for levels up to `maxLevel`: 0 for 0, 1 for 1, 2 for 2...3.
    static func bitWidth(maxLevel: UInt8) -> Int {
        UInt8.bitWidth - maxLevel.leadingZeroBitCount
    }

    /// The data page v1 form: the hybrid encoding prefixed by its byte length (4 bytes, little endian).
    static func lengthPrefixed(_ levels: [UInt8], maxLevel: UInt8) -> [UInt8] {
        let encoded = hybrid(levels, bitWidth: bitWidth(maxLevel: maxLevel))
        return withUnsafeBytes(of: UInt32(encoded.count).littleEndian, Array.init) + encoded
    }

    /// The RLE / bit-packed hybrid encoding of `levels`, each below `1 << bitWidth` (bitWidth 1...8).
    static func hybrid(_ levels: [UInt8], bitWidth: Int) -> [UInt8] {
        var writer = HybridWriter(bitWidth: bitWidth)
        var start = 0
        while start < levels.count {
            var end = start + 1
            while end < levels.count, levels[end] == levels[start] { end += 1 }
            writer.add(levels[start], count: end - start)
            start = end
        }
        return writer.finish()
    }
}

/// Chooses between RLE and bit-packed runs as equal-value stretches arrive.
private struct HybridWriter {
    let bitWidth: Int
    private(set) var output: [UInt8] = []
    /// Values waiting to be bit-packed; flushed only in whole groups of 8 (except at the end).
    private var literals: [UInt8] = []

    init(bitWidth: Int) {
        self.bitWidth = bitWidth
    }

    /// Adds `count` copies of `value`.
    mutating func add(_ value: UInt8, count: Int) {
        guard count >= 8 else {
            literals.append(contentsOf: repeatElement(value, count: count))
            return
        }
        // Complete the pending group first: a bit-packed run cannot end mid-group.
        let fill = (8 - literals.count % 8) % 8
        literals.append(contentsOf: repeatElement(value, count: fill))
        let rest = count - fill
        if rest >= 8 {
            flushLiterals()
            writeRLERun(value, count: rest)
        } else {
            literals.append(contentsOf: repeatElement(value, count: rest))
        }
    }

    mutating func finish() -> [UInt8] {
        flushLiterals()
        return output
    }

    private mutating func writeRLERun(_ value: UInt8, count: Int) {
        output.appendVarint(UInt64(count) << 1)
        output.append(value)  // ceil(bitWidth / 8) == 1 byte, as bitWidth <= 8
    }

    /// Writes the pending values as one bit-packed run, padding the last group with zeros.
    private mutating func flushLiterals() {
        guard !literals.isEmpty else { return }
        let groups = (literals.count + 7) / 8
        output.appendVarint(UInt64(groups) << 1 | 1)
        var accumulator: UInt64 = 0
        var bits = 0
        for index in 0..<(groups * 8) {
            let value = index < literals.count ? UInt64(literals[index]) : 0
            accumulator |= value << bits
            bits += bitWidth
            while bits >= 8 {
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        literals.removeAll(keepingCapacity: true)
    }
}
