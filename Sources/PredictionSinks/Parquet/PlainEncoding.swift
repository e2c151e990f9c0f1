/// Appends values in Parquet's PLAIN encoding: fixed-width little-endian numbers, and byte
/// arrays as a 4-byte little-endian length followed by the bytes.
struct PlainEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: Int32) {
        appendLittleEndian(UInt32(bitPattern: value))
    }

    /// IEEE 754 binary32, bit for bit (NaN payloads included).
    mutating func append(_ value: Float) {
        appendLittleEndian(value.bitPattern)
    }

    /// The string's UTF-8 bytes, length first.
    mutating func append(_ value: String) {
        let utf8 = value.utf8
        appendLittleEndian(UInt32(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func appendLittleEndian(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
