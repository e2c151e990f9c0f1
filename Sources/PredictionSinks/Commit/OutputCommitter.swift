import Foundation

/// Commits rows in parts, each atomically, and records each in a manifest.
///
/// ```
///  rows ─► buffer ─► part (temp name, fsync, rename) ─► manifest (temp, fsync, rename)
/// ```
/// A part is visible only once complete, and counted only once the manifest says so; after a
/// `kill -9` at any moment, `--resume` skips the rows the manifest records and rewrites anything
/// after them, so every input appears exactly once. Parts are cut at fixed row counts, so a resumed
/// run writes the same files an uninterrupted one would. For a single-file target, parts are staged
/// in `.<name>.parts/` in an exact binary form (``RowCodec``) and converted into the file when the
/// job ends.
public final class OutputCommitter {
    public let target: OutputTarget
    public let settings: OutputSettings
    /// Rows already committed by an earlier run (0 unless resuming).
    public private(set) var committedRows: Int
    private var manifest: Manifest
    private var pending: [PredictionRow] = []
    private let layout: Layout

    /// Opens the output: starts fresh, or (with `--resume`) continues the run the manifest records.
    ///
    /// - Throws: ``OutputError`` when the output is in the way, belongs to another job or cannot be written.
    public init(target: OutputTarget, settings: OutputSettings) throws {
        self.target = target
        self.settings = settings
        layout = Layout(target: target, partTag: settings.partTag)
        manifest = Manifest(fingerprint: settings.fingerprint, parts: [])
        committedRows = 0
        try Self.preflight(target: target, settings: settings)
        if settings.resume, let loaded = try layout.loadManifest() {
            guard loaded.fingerprint == settings.fingerprint else { throw OutputError.differentJob(layout.manifest.path) }
            manifest = loaded
            committedRows = loaded.parts.reduce(0) { $0 + $1.rows }
            return
        }
        if settings.overwrite { try layout.removeOwnParts() }
        try saveManifest()
    }

    /// Checks, before anything expensive (such as loading a model) runs, that the output can be
    /// written: nothing is in the way without `--overwrite` or `--resume`, and the folder exists (it is
    /// created) and takes new files.
    ///
    /// - Throws: ``OutputError`` naming the path and what to do.
    public static func preflight(target: OutputTarget, settings: OutputSettings) throws(OutputError) {
        let layout = Layout(target: target, partTag: settings.partTag)
        if case .file(let url) = target, Durable.exists(url.path), !settings.overwrite, !settings.resume {
            throw .exists(url.path)
        }
        if Durable.exists(layout.manifest.path), !settings.overwrite, !settings.resume {
            throw .unfinished(layout.manifest.path)
        }
        try Durable.makeWritableFolder(layout.folder.path)
    }

    /// Adds rows in input order, committing a part whenever one is full.
    public func append(_ rows: [PredictionRow]) throws {
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
            return manifest.parts.map { layout.folder.appendingPathComponent($0.file) }
        case .file(let url):
            try assemble(into: url)
            try? FileManager.default.removeItem(at: layout.folder)
            return [url]
        }
    }

    // MARK: - Parts

    private func commitPart(_ rows: [PredictionRow]) throws {
        let name = layout.partName(manifest.parts.count, format: settings.format)
        let final = layout.folder.appendingPathComponent(name)
        let temporary = layout.folder.appendingPathComponent(".\(name).tmp")
        if case .directory = target {
            try write(rows, to: temporary)
            try Durable.commit(temporary, as: final)
        } else {
            try Durable.write(RowCodec.encode(rows), via: temporary, as: final)
        }
        manifest.parts.append(.init(file: name, first: committedRows, rows: rows.count))
        committedRows += rows.count
        try saveManifest()
    }

    private func write(_ rows: [PredictionRow], to url: URL) throws {
        let sink = try Sinks.open(settings.format, at: url, options: settings.sink)
        try sink.append(rows)
        try sink.finish()
    }

    /// Streams every staged part into the single output file, then renames it into place.
    private func assemble(into url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        let sink = try Sinks.open(settings.format, at: temporary, options: settings.sink)
        for part in manifest.parts {
            let file = layout.folder.appendingPathComponent(part.file)
            do {
                try sink.append(try RowCodec.decode(try Durable.read(file)))
            } catch is StagingError {
                throw OutputError.corrupt(file.path)
            }
        }
        try sink.finish()
        try Durable.commit(temporary, as: url)
    }

    private func saveManifest() throws(OutputError) {
        try Durable.write(manifest.encoded(), via: layout.temporaryManifest, as: layout.manifest)
    }
}

// MARK: - Where the parts and the manifest live

/// The manifest: which parts are committed, for which job.
struct Manifest: Codable {
    struct Part: Codable {
        let file: String
        let first: Int
        let rows: Int
    }
    let fingerprint: String
    var parts: [Part]

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? [UInt8](encoder.encode(self))) ?? []  // plain strings and integers always encode
    }
}

/// File names of one target's parts and manifest.
struct Layout {
    let target: OutputTarget
    let folder: URL
    let manifest: URL
    let partTag: String?

    init(target: OutputTarget, partTag: String?) {
        self.target = target
        self.partTag = partTag
        let suffix = partTag.map { "-\($0)" } ?? ""
        switch target {
        case .directory(let url):
            folder = url
            manifest = url.appendingPathComponent("_batchvision-manifest\(suffix).json")
        case .file(let url):
            folder = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).parts")
            manifest = folder.appendingPathComponent("_manifest.json")
        }
    }

    var temporaryManifest: URL { folder.appendingPathComponent(".\(manifest.lastPathComponent).tmp") }

    func partName(_ index: Int, format: OutputFormat) -> String {
        let number = String(format: "%05d", index)
        guard case .directory = target else { return "part-\(number).rows" }
        let tag = partTag.map { "-\($0)" } ?? ""
        return "part\(tag)-\(number).\(format.rawValue)"
    }

    /// The manifest of an earlier run, or nil when there is none.
    func loadManifest() throws(OutputError) -> Manifest? {
        guard Durable.exists(manifest.path) else { return nil }
        guard let loaded = try? JSONDecoder().decode(Manifest.self, from: Data(Durable.read(manifest))) else {
            throw .corrupt(manifest.path)
        }
        return loaded
    }

    /// With --overwrite: removes the files this job (and shard) wrote before, and nothing else.
    func removeOwnParts() throws(OutputError) {
        if let old = try? loadManifest() {
            for part in old.parts { Durable.remove(folder.appendingPathComponent(part.file)) }
        }
        Durable.remove(manifest)
    }
}
