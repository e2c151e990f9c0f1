import TensorCore

/// A storage's bytes inside the checkpoint file, and how to read one element of them.
struct StorageRegion: Sendable {
    let file: FileBytes
    /// Where element 0 of the root storage starts in the file.
    let byteOffset: Int
    /// Elements the region holds; views were checked against it.
    let elementCount: Int
    /// Set by a zip `byteorder` record of "big".
    let bigEndian: Bool

    /// Copies `count` little-endian float32 values starting at element `start`.
    func copyFloat32(from start: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let source = file.buffer.baseAddress, let target = buffer.baseAddress {
                UnsafeMutableRawPointer(target).copyMemory(from: source + byteOffset + start * 4, byteCount: count * 4)
            }
            initialized = count
        }
    }

    /// The element at `index` converted to Float.
    func float(at index: Int, dtype: DType) -> Float {
        switch dtype {
        case .float32: Float(bitPattern: load(UInt32.self, index))
        case .float64: Float(Double(bitPattern: load(UInt64.self, index)))
        case .float16: HalfPrecision.float(fromHalf: load(UInt16.self, index))
        case .bfloat16: Float(bitPattern: UInt32(load(UInt16.self, index)) << 16)
        case .int64, .int32, .int16, .int8, .uint8, .bool: Float(int64(at: index, dtype: dtype))
        }
    }

    /// The element at `index` converted to Int64.
    func int64(at index: Int, dtype: DType) -> Int64 {
        switch dtype {
        case .int64: Int64(bitPattern: load(UInt64.self, index))
        case .int32: Int64(Int32(bitPattern: load(UInt32.self, index)))
        case .int16: Int64(Int16(bitPattern: load(UInt16.self, index)))
        case .int8: Int64(Int8(bitPattern: load(UInt8.self, index)))
        case .uint8: Int64(load(UInt8.self, index))
        case .bool: load(UInt8.self, index) != 0 ? 1 : 0
        case .float32, .float64, .float16, .bfloat16:
            Int64(exactly: float(at: index, dtype: dtype).rounded(.towardZero)) ?? 0
        }
    }

    private func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
        let raw = file.buffer.loadUnaligned(fromByteOffset: byteOffset + index * MemoryLayout<T>.size, as: T.self)
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }
}

/// IEEE 754 binary16 to binary32, exact for every value (subnormals, infinities, NaN payloads).
enum HalfPrecision {
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exactly representable in float32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }
}
