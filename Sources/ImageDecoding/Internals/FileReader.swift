// MARK: - A cursor over untrusted bytes, read like a Python file object

/// Sequential reads that behave like Pillow's `fp.read(n)`: a read past the end returns what is
/// there (possibly nothing) and leaves the cursor at the end; it never traps.
struct FileReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = min(max(0, position), bytes.count)
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { position >= bytes.count }

    /// Up to `count` bytes from the cursor (fewer at the end of the file).
    mutating func read(_ count: Int) -> UnsafeRawBufferPointer {
        let length = min(max(0, count), bytes.count - position)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
        position += length
        return slice
    }

    /// One byte, or nil at the end.
    mutating func uint8() -> UInt8? {
        read(1).first
    }

    /// A little-endian 16-bit value, or nil when fewer than 2 bytes remain.
    mutating func uint16() -> UInt16? {
        read(2).uint16(at: 0, bigEndian: false)
    }

    /// A little-endian 32-bit value, or nil when fewer than 4 bytes remain.
    mutating func uint32() -> UInt32? {
        read(4).uint32(at: 0, bigEndian: false)
    }

    /// Moves the cursor by `delta` bytes, clamped to the file.
    mutating func skip(_ delta: Int) {
        position = min(max(0, position + delta), bytes.count)
    }
}
