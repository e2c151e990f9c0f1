import CCompression

/// Every zstd and snappy call of the module, each checked.
///
/// A failing call becomes ``SinkError/compressionFailed(call:reason:)`` naming the C function.
/// `decompress` exists so tests can round-trip pages without a Parquet reader.
enum Compression {
    /// zstd's own default level: a good ratio at several hundred MB/s.
    static let zstdLevel: Int32 = 3

    /// The footer's codec id for `compression`.
    static func codec(for compression: ParquetCompression) -> CompressionCodec {
        switch compression {
        case .zstd: .zstd
        case .snappy: .snappy
        case .none: .uncompressed
        }
    }

    /// Compresses one page with `compression` (`.none` returns the input).
    static func compress(_ input: [UInt8], with compression: ParquetCompression) throws -> [UInt8] {
        switch compression {
        case .zstd: try zstdCompress(input)
        case .snappy: try snappyCompress(input)
        case .none: input
        }
    }

    /// Reverses ``compress(_:with:)``; `originalSize` is the uncompressed length.
    static func decompress(_ input: [UInt8], with compression: ParquetCompression, originalSize: Int) throws
        -> [UInt8]
    {
        switch compression {
        case .zstd: try zstdDecompress(input, originalSize: originalSize)
        case .snappy: try snappyUncompress(input, originalSize: originalSize)
        case .none: input
        }
    }

    // MARK: - zstd

    /// One zstd frame holding `input`.
    ///
    /// The corresponding C function is `ZSTD_compress`.
    static func zstdCompress(_ input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let size = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, zstdLevel)
            }
        }
        try checkZstd(size, call: "ZSTD_compress")
        output.removeSubrange(size...)
        return output
    }

    /// The corresponding C function is `ZSTD_decompress`.
    static func zstdDecompress(_ input: [UInt8], originalSize: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: originalSize)
        let size = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                ZSTD_decompress(target.baseAddress, target.count, source.baseAddress, source.count)
            }
        }
        try checkZstd(size, call: "ZSTD_decompress")
        guard size == originalSize else {
            throw SinkError.compressionFailed(
                call: "ZSTD_decompress", reason: "got \(size) bytes, expected \(originalSize)")
        }
        return output
    }

    /// zstd returns either a size or an error code; `ZSTD_isError` tells them apart.
    private static func checkZstd(_ result: Int, call: String) throws {
        guard ZSTD_isError(result) != 0 else { return }
        throw SinkError.compressionFailed(call: call, reason: String(cString: ZSTD_getErrorName(result)))
    }

    // MARK: - snappy

    /// Raw snappy (no framing), as Parquet's SNAPPY codec expects.
    ///
    /// The corresponding C function is `snappy_compress`.
    static func snappyCompress(_ input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: snappy_max_compressed_length(input.count))
        var size = output.count
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_compress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &size)
            }
        }
        try checkSnappy(status, call: "snappy_compress")
        output.removeSubrange(size...)
        return output
    }

    /// The corresponding C function is `snappy_uncompress`.
    static func snappyUncompress(_ input: [UInt8], originalSize: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: originalSize)
        var size = output.count
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_uncompress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &size)
            }
        }
        try checkSnappy(status, call: "snappy_uncompress")
        guard size == originalSize else {
            throw SinkError.compressionFailed(
                call: "snappy_uncompress", reason: "got \(size) bytes, expected \(originalSize)")
        }
        return output
    }

    private static func checkSnappy(_ status: snappy_status, call: String) throws {
        switch status {
        case SNAPPY_OK: return
        case SNAPPY_INVALID_INPUT: throw SinkError.compressionFailed(call: call, reason: "invalid input")
        case SNAPPY_BUFFER_TOO_SMALL: throw SinkError.compressionFailed(call: call, reason: "buffer too small")
        default: throw SinkError.compressionFailed(call: call, reason: "status \(status.rawValue)")
        }
    }
}
