import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for writing, with a byte buffer and a running offset.
///
/// Every `open`, `write`, `fsync` and `close` of the module happens here, and each failure
/// becomes a ``SinkError`` naming the file and `strerror`'s reason. Parquet needs the offset
/// of every page, so the file counts what it has been given (buffered or not).
final class OutputFile {
    /// The path, for error messages.
    let path: String
    /// Bytes given to `append` so far: the offset the next byte will have in the file.
    private(set) var position = 0
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    /// Creates or truncates the file at `url`.
    ///
    /// The corresponding C function is `open`.
    init(creating url: URL) throws {
        path = url.path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SinkError.cannotCreate(path: path, reason: Self.lastError()) }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Appends bytes, writing the buffer out when it is full.
    func append(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        position += bytes.count
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Writes the buffer, optionally `fsync`s, and closes the file.
    ///
    /// The corresponding C functions are `fsync` and `close`.
    func finish(sync: Bool) throws {
        try flush()
        if sync, fsync(descriptor) != 0 {
            throw SinkError.writeFailed(path: path, reason: "fsync: \(Self.lastError())")
        }
        let status = close(descriptor)
        descriptor = -1
        if status != 0 { throw SinkError.writeFailed(path: path, reason: "close: \(Self.lastError())") }
    }

    // MARK: - Internals

    /// Writes the whole buffer, retrying short writes and interrupted calls.
    ///
    /// The corresponding C function is `write`.
    private func flush() throws {
        var written = 0
        try buffer.withUnsafeBytes { raw in
            while written < raw.count {
                let result = write(descriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw SinkError.writeFailed(path: path, reason: Self.lastError())
                }
                written += result
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
