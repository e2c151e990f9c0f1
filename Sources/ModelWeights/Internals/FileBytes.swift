#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-only bytes of one checkpoint, memory-mapped from disk or owned in memory.
///
/// Tensors keep a reference to it, so the mapping lives exactly as long as some tensor still
/// needs its bytes. It is never written after creation, which is what makes sharing it across
/// threads sound.
final class FileBytes: @unchecked Sendable {
    /// The whole file. Valid while `self` is alive.
    let buffer: UnsafeRawBufferPointer
    private let release: Release

    private enum Release { case none, unmap, deallocate }

    private init(buffer: UnsafeRawBufferPointer, release: Release) {
        self.buffer = buffer
        self.release = release
    }

    deinit {
        switch release {
        case .none: break
        case .unmap:
            if let base = buffer.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), buffer.count) }
        case .deallocate:
            buffer.deallocate()
        }
    }

    /// Copies `bytes` into memory owned by the returned object.
    static func copying(_ bytes: [UInt8]) -> FileBytes {
        guard !bytes.isEmpty else { return FileBytes(buffer: UnsafeRawBufferPointer(start: nil, count: 0), release: .none) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        return FileBytes(buffer: UnsafeRawBufferPointer(storage), release: .deallocate)
    }

    /// Maps the file at `path` read-only, so that a 240 MB checkpoint is read once, lazily, by the kernel.
    ///
    /// - Throws: `FileSystemProblem` with the system's reason when the file cannot be opened or mapped.
    static func mapping(path: String) throws -> FileBytes {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileSystemProblem(reason: systemReason()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemProblem(reason: systemReason()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileSystemProblem(reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { return FileBytes(buffer: UnsafeRawBufferPointer(start: nil, count: 0), release: .none) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FileSystemProblem(reason: systemReason())
        }
        return FileBytes(buffer: UnsafeRawBufferPointer(start: base, count: size), release: .unmap)
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}

/// The operating system refused to give us a file's bytes.
struct FileSystemProblem: Error {
    let reason: String
}
