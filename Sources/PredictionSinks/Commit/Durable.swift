import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The committer's file operations, through POSIX so that every failure is one ``OutputError``
/// naming the path and `strerror`'s reason (never a Foundation error's text).
enum Durable {
    /// Writes `bytes` to `temporary`, fsyncs it, renames it to `final` (replacing it), then fsyncs the folder:
    /// the data reaches the disk before the name does.
    static func write(_ bytes: [UInt8], via temporary: URL, as final: URL) throws(OutputError) {
        let file: OutputFile
        do {
            file = try OutputFile(creating: temporary)
            try file.append(bytes)
            try file.finish(sync: true)
        } catch {
            unlink(temporary.path)
            throw .notWritable(temporary.path, reason: Self.reason(error))
        }
        try move(temporary, as: final)
    }

    /// fsyncs `temporary`, renames it to `final` (replacing it), then fsyncs the folder.
    static func commit(_ temporary: URL, as final: URL) throws(OutputError) {
        try sync(temporary.path)
        try move(temporary, as: final)
    }

    /// The whole file at `url`.
    static func read(_ url: URL) throws(OutputError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw .notWritable(url.path, reason: "cannot open it for reading")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw .notWritable(url.path, reason: "read failed")
        }
    }

    /// Creates `path` and any missing parents (`mkdir -p`), then checks a file can be created in it.
    static func makeWritableFolder(_ path: String) throws(OutputError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw .notWritable(prefix, reason: lastError()) }
            guard isDirectory(prefix) else { throw .notWritable(prefix, reason: "it exists but is not a folder") }
        }
        let probe = (path.hasSuffix("/") ? path : path + "/") + ".batchvision-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .notWritable(path, reason: lastError()) }
        close(fd)
        unlink(probe)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func remove(_ url: URL) { unlink(url.path) }

    // MARK: - Steps

    private static func move(_ temporary: URL, as final: URL) throws(OutputError) {
        guard rename(temporary.path, final.path) == 0 else { throw .notWritable(final.path, reason: lastError()) }
        try sync(final.deletingLastPathComponent().path)
    }

    private static func sync(_ path: String) throws(OutputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notWritable(path, reason: lastError()) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .notWritable(path, reason: "fsync: \(lastError())") }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    /// A sink error's reason without its path (the caller names the path).
    private static func reason(_ error: any Error) -> String {
        if case .cannotCreate(_, let reason) = error as? SinkError { return reason }
        if case .writeFailed(_, let reason) = error as? SinkError { return reason }
        return "\(error)"
    }
}

/// Writing a whole small file (a report, a summary) so that readers see the old file or the new one,
/// never half of one, and a failure is one ``OutputError`` line.
public enum AtomicFile {
    /// Writes `bytes` to a temporary name beside `path`, fsyncs it and renames it to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let final = URL(fileURLWithPath: path)
        let temporary = final.deletingLastPathComponent()
            .appendingPathComponent(".\(final.lastPathComponent).tmp-\(getpid())")
        try Durable.write(bytes, via: temporary, as: final)
    }

    /// Creates `path` and its missing parents, and checks that files can be created in it.
    public static func makeFolder(_ path: String) throws(OutputError) {
        try Durable.makeWritableFolder(path)
    }
}
