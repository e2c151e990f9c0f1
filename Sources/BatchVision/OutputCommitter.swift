import Foundation
import PredictionSinks

/// Where a job's rows go: one file (`out.parquet`) or a folder of part files (`out/`).
public enum OutputTarget: Sendable, Equatable {
    case file(URL)
    case directory(URL)

    /// A path ending in `/` (or naming an existing folder) is a folder of parts.
    public init(path: String) {
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
            self = .directory(URL(fileURLWithPath: path, isDirectory: true))
        } else {
            self = .file(URL(fileURLWithPath: path))
        }
    }
}

/// How a job commits its output so that a killed run can resume without gaps or duplicates.
public struct OutputSettings: Sendable {
    public var format: OutputFormat
    public var sink: SinkOptions
    /// Rows per part file (folder output) or per staged part (file output).
    public var rowsPerFile = 10_000
    public var shard: Shard?
    public var resume = false
    public var overwrite = false
    /// Identifies the job (inputs, model, options): a resume must continue the same job.
    public var fingerprint = ""

    public init(format: OutputFormat, sink: SinkOptions = SinkOptions()) {
        self.format = format
        self.sink = sink
    }
}

/// Commits rows in parts, each atomically, and records each in a manifest.
///
/// ```
///  rows ─► buffer ─► part (temp name, fsync, rename) ─► manifest (temp, fsync, rename)
/// ```
/// A part is visible only once complete, and counted only once the manifest says so; after a
/// `kill -9` at any moment, `--resume` skips the rows the manifest records and rewrites anything
/// after them, so every input appears exactly once. Parts are cut at fixed row counts, so a resumed
/// run writes the same files an uninterrupted one would. For a single-file target, parts are staged
/// in `.<name>.parts/` in an exact binary form and converted into the file when the job ends.
public final class OutputCommitter {
    public let target: OutputTarget
    public let settings: OutputSettings
    /// Rows already committed by an earlier run (0 unless resuming).
    public private(set) var committedRows: Int
    private var manifest: Manifest
    private var pending: [Prediction] = []
    private let folder: URL
    private let manifestURL: URL

    public init(target: OutputTarget, settings: OutputSettings) throws {
        self.target = target
        self.settings = settings
        let shardSuffix = settings.shard.map { "-\($0.tag)" } ?? ""
        switch target {
        case .directory(let url):
            folder = url
            manifestURL = url.appendingPathComponent("_batchvision-manifest\(shardSuffix).json")
        case .file(let url):
            folder = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).parts")
            manifestURL = folder.appendingPathComponent("_manifest.json")
        }
        manifest = Manifest(fingerprint: settings.fingerprint, parts: [])
        committedRows = 0
        try prepare()
    }

    /// Adds rows in input order, committing a part whenever one is full.
    public func append(_ rows: [Prediction]) throws {
        pending += rows
        while pending.count >= settings.rowsPerFile {
            try commitPart(Array(pending.prefix(settings.rowsPerFile)))
            pending.removeFirst(settings.rowsPerFile)
        }
    }

    /// Commits the last rows; for a file target, writes the file from the staged parts.
    ///
    /// - Returns: the output files.
    @discardableResult
    public func finish() throws -> [URL] {
        if !pending.isEmpty || manifest.parts.isEmpty {
            try commitPart(pending)
            pending = []
        }
        switch target {
        case .directory:
            return manifest.parts.map { folder.appendingPathComponent($0.file) }
        case .file(let url):
            try assemble(into: url)
            try? FileManager.default.removeItem(at: folder)
            return [url]
        }
    }

    // MARK: - Parts

    private func commitPart(_ rows: [Prediction]) throws {
        let index = manifest.parts.count
        let name = partName(index)
        let final = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        if case .directory = target {
            try write(rows, format: settings.format, to: temporary)
        } else {
            try Data(RowCodec.encode(rows)).write(to: temporary)
        }
        try Durable.commit(temporary, as: final)
        manifest.parts.append(.init(file: name, first: committedRows, rows: rows.count))
        committedRows += rows.count
        try saveManifest()
    }

    private func partName(_ index: Int) -> String {
        let number = String(format: "%05d", index)
        guard case .directory = target else { return "part-\(number).rows" }
        let shard = settings.shard.map { "-\($0.tag)" } ?? ""
        return "part\(shard)-\(number).\(settings.format.rawValue)"
    }

    private func write(_ rows: [Prediction], format: OutputFormat, to url: URL) throws {
        let sink = try Sinks.open(format, at: url, options: settings.sink)
        try sink.append(rows.map(PredictionRow.init))
        try sink.finish()
    }

    /// Streams every staged part into the single output file, then renames it into place.
    private func assemble(into url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        let sink = try Sinks.open(settings.format, at: temporary, options: settings.sink)
        for part in manifest.parts {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(part.file)))
            try sink.append(try RowCodec.decode(bytes).map(PredictionRow.init))
        }
        try sink.finish()
        try Durable.commit(temporary, as: url)
    }

    // MARK: - Manifest

    private struct Manifest: Codable {
        struct Part: Codable {
            let file: String
            let first: Int
            let rows: Int
        }
        let fingerprint: String
        var parts: [Part]
    }

    /// Starts fresh, or loads the manifest of the interrupted run this one resumes.
    private func prepare() throws {
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: manifestURL.path)
        if case .file(let url) = target, fm.fileExists(atPath: url.path), !settings.overwrite, !settings.resume {
            throw OutputError.exists(url.path)
        }
        if exists && settings.resume {
            let data = try Data(contentsOf: manifestURL)
            let loaded = try JSONDecoder().decode(Manifest.self, from: data)
            guard loaded.fingerprint == settings.fingerprint else { throw OutputError.differentJob(manifestURL.path) }
            manifest = loaded
            committedRows = loaded.parts.reduce(0) { $0 + $1.rows }
            return
        }
        if exists && !settings.overwrite { throw OutputError.unfinished(manifestURL.path) }
        if exists { try removeOwnParts() }
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        guard fm.isWritableFile(atPath: folder.path) else { throw OutputError.notWritable(folder.path) }
        try saveManifest()
    }

    /// With --overwrite: removes the files this job (and shard) wrote before, and nothing else.
    private func removeOwnParts() throws {
        if let data = try? Data(contentsOf: manifestURL), let old = try? JSONDecoder().decode(Manifest.self, from: data) {
            for part in old.parts { try? FileManager.default.removeItem(at: folder.appendingPathComponent(part.file)) }
        }
        try? FileManager.default.removeItem(at: manifestURL)
    }

    private func saveManifest() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = manifestURL.deletingLastPathComponent().appendingPathComponent(".\(manifestURL.lastPathComponent).tmp")
        try encoder.encode(manifest).write(to: temporary)
        try Durable.commit(temporary, as: manifestURL)
    }
}

/// Why the output cannot be written.
public enum OutputError: UserFacingError {
    case exists(String)
    case unfinished(String)
    case differentJob(String)
    case notWritable(String)

    public var message: String {
        switch self {
        case .exists(let path): "output \(path) already exists"
        case .unfinished(let path): "an unfinished job's output is in the way (\(path))"
        case .differentJob(let path): "cannot resume: \(path) belongs to a job with other inputs, model or options"
        case .notWritable(let path): "cannot write to \(path)"
        }
    }

    public var hint: String? {
        switch self {
        case .exists: "pass --overwrite to replace it, or choose another --output"
        case .unfinished: "pass --resume to finish that job, or --overwrite to start again"
        case .differentJob: "rerun with the original options, or pass --overwrite to start again"
        case .notWritable: "check the folder's permissions, or choose another --output"
        }
    }
}

/// Durable renames: the data reaches the disk before the name does.
enum Durable {
    /// fsyncs `temporary`, renames it to `final` (replacing it), then fsyncs the folder.
    static func commit(_ temporary: URL, as final: URL) throws {
        try sync(temporary.path)
        guard rename(temporary.path, final.path) == 0 else {
            throw OutputError.notWritable("\(final.path): \(String(cString: strerror(errno)))")
        }
        try sync(final.deletingLastPathComponent().path)
    }

    private static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.notWritable("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw OutputError.notWritable("\(path): fsync: \(String(cString: strerror(errno)))") }
    }
}

extension PredictionRow {
    /// The output row for one prediction: predictions null and `error` set for a failed input.
    init(_ p: Prediction) {
        self.init(path: p.path)
        if let error = p.error {
            self.error = error
            return
        }
        label = p.label
        classIndex = p.classIndex.map { Int32($0) }
        confidence = p.confidence
        topKLabels = p.topK.map(\.label)
        topKIndices = p.topK.map { Int32($0.classIndex) }
        topKProbs = p.topK.map(\.probability)
        logits = p.logits
    }
}
