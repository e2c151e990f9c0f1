import Foundation

/// Where a job's rows go: one file (`out.parquet`) or a folder of part files (`out/`).
public enum OutputTarget: Sendable, Equatable {
    case file(URL)
    case directory(URL)

    /// A path ending in `/` (or naming an existing folder) is a folder of parts.
    public init(path: String) {
        if path.hasSuffix("/") || Durable.isDirectory(path) {
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
    /// Names this worker's parts and manifest when several shards write into one folder ("s1of3").
    public var partTag: String?
    public var resume = false
    public var overwrite = false
    /// Identifies the job (inputs, model, options): a resume must continue the same job.
    public var fingerprint = ""

    public init(format: OutputFormat, sink: SinkOptions = SinkOptions()) {
        self.format = format
        self.sink = sink
    }
}
