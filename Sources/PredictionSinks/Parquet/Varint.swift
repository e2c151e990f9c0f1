extension Array where Element == UInt8 {
    /// Appends ULEB128: seven bits a byte, least significant first, high bit set on all but the last.
    ///
    /// Thrift's compact protocol and Parquet's RLE run headers share this varint.
    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(rest))
    }
}
