import Foundation

/// Reads one input's encoded bytes: a local file, or (with ObjectStorage) an S3 object.
///
/// Called from decode worker threads, so implementations must be thread-safe and may block.
public protocol ByteFetcher: Sendable {
    func fetch(_ location: String) throws -> [UInt8]
}

/// Reads local files, refusing any larger than `maximumBytes` before reading it.
public struct LocalFileFetcher: ByteFetcher {
    public let maximumBytes: Int

    public init(maximumBytes: Int = 1 << 30) { self.maximumBytes = maximumBytes }

    public func fetch(_ location: String) throws -> [UInt8] {
        let handle = open(location, O_RDONLY | O_CLOEXEC)
        guard handle >= 0 else { throw FetchError.unreadable(location, String(cString: strerror(errno))) }
        defer { close(handle) }
        var info = stat()
        guard fstat(handle, &info) == 0 else { throw FetchError.unreadable(location, String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FetchError.unreadable(location, "not a regular file") }
        let size = Int(info.st_size)
        guard size <= maximumBytes else { throw FetchError.tooLarge(location, size, maximumBytes) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(handle, $0.baseAddress?.advanced(by: done), size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FetchError.unreadable(location, n == 0 ? "file shrank while reading" : String(cString: strerror(errno))) }
            done += n
        }
        return bytes
    }
}

/// Why an input's bytes could not be read.
public enum FetchError: UserFacingError {
    case unreadable(String, String)
    case tooLarge(String, Int, Int)

    public var message: String {
        switch self {
        case .unreadable(_, let reason): "cannot read: \(reason)"
        case .tooLarge(_, let size, let limit): "file is \(size) bytes, over the \(limit)-byte limit"
        }
    }
}
