/// A cursor over a byte buffer whose every read is bounds-checked and throws on truncation.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    /// The first index past the readable window.
    let end: Int
    /// Names the thing being read in truncation errors ("pickle", "zip central directory").
    let context: String

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, end: Int? = nil, context: String) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.context = context
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    /// Moves to `offset` (absolute), which must lie within the window.
    mutating func seek(to offset: Int) throws {
        guard offset >= 0, offset <= end else { throw truncated(needing: offset) }
        position = offset
    }

    mutating func skip(_ count: Int) throws {
        guard count >= 0, count <= remaining else { throw truncated(needing: count) }
        position += count
    }

    mutating func readByte() throws -> UInt8 {
        guard position < end else { throw truncated(needing: 1) }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads a little-endian fixed-width integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw truncated(needing: size) }
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[position + i]) << (8 * i) }
        position += size
        return value
    }

    /// Reads `count` bytes; `count` is checked against what is left before anything is allocated.
    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw truncated(needing: count) }
        defer { position += count }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[position..<position + count]))
    }

    /// Reads `count` bytes as UTF-8, replacing invalid sequences.
    mutating func readString(_ count: Int) throws -> String {
        guard count >= 0, count <= remaining else { throw truncated(needing: count) }
        defer { position += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + count]), as: UTF8.self)
    }

    /// Reads up to and excluding a newline, at most `limit` bytes.
    mutating func readLine(limit: Int) throws -> String {
        var length = 0
        while position + length < end, bytes[position + length] != 0x0A {
            length += 1
            guard length <= limit else { throw FormatProblem.malformed("\(context): line longer than \(limit) bytes") }
        }
        let text = try readString(length)
        _ = try readByte()
        return text
    }

    private func truncated(needing count: Int) -> FormatProblem {
        .malformed("\(context) is truncated: needs \(count) more bytes at offset \(position), \(max(remaining, 0)) left")
    }
}
