// MARK: - Bounds-checked integer reads

/// Bounds-checked reads from untrusted bytes: out of range gives nil, never a trap.
extension UnsafeRawBufferPointer {
    func uint8(at offset: Int) -> UInt8? {
        offset >= 0 && offset < count ? self[offset] : nil
    }

    func uint16(at offset: Int, bigEndian: Bool = true) -> UInt16? {
        guard offset >= 0, offset <= count - 2 else { return nil }
        let (a, b) = (UInt16(self[offset]), UInt16(self[offset + 1]))
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func uint32(at offset: Int, bigEndian: Bool = true) -> UInt32? {
        guard offset >= 0, offset <= count - 4 else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 {
            let byte = UInt32(self[offset + (bigEndian ? i : 3 - i)])
            value = value << 8 | byte
        }
        return value
    }

    /// Whether the bytes at `offset` equal `ascii`.
    func matches(_ ascii: String, at offset: Int) -> Bool {
        let expected = Array(ascii.utf8)
        guard offset >= 0, offset <= count - expected.count else { return false }
        for (i, byte) in expected.enumerated() where self[offset + i] != byte { return false }
        return true
    }

    /// The subrange `offset ..< offset + length`, or nil when it does not fit.
    func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { return nil }
        return UnsafeRawBufferPointer(rebasing: self[offset..<offset + length])
    }
}
