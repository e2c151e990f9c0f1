import Foundation

/// Where and how a job writes its rows; the job adds what only it knows (columns, metadata, fingerprint).
public struct OutputConfiguration: Sendable {
    /// A file (`.parquet`, `.csv`, `.jsonl`) or a folder of part files (a path ending in `/`).
    public var path: String
    /// The format when the extension does not say (a folder is Parquet unless this says otherwise).
    public var format: OutputFormat?
    public var compression: ParquetCompression = .zstd
    public var rowGroupSize = 10_000
    /// Rows per part file (folder output) or per committed part (file output).
    public var rowsPerFile = 10_000
    /// Continue an interrupted job, skipping committed rows.
    public var resume = false
    /// Replace an existing output.
    public var overwrite = false

    public init(path: String) { self.path = path }

    public var target: OutputTarget { OutputTarget(path: path) }

    /// `format`, else the one the path's extension names.
    public func resolvedFormat() throws(BatchJobError) -> OutputFormat {
        if let format { return format }
        if case .directory = target { return .parquet }
        guard let format = OutputFormat(path: path) else { throw .unknownFormat(path) }
        return format
    }
}

public enum BatchJobError: UserFacingError {
    case unknownFormat(String)
    public var message: String {
        switch self {
        case .unknownFormat(let path): "cannot tell the output format of \(path)"
        }
    }
    public var hint: String? { "name the file .parquet, .csv or .jsonl, or pass --format" }
}
