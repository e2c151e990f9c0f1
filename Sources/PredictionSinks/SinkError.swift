import TensorCore

/// Why a sink could not write its file.
public enum SinkError: UserFacingError, Equatable {
    /// The output file could not be created.
    case cannotCreate(path: String, reason: String)
    /// Writing, syncing or closing the output file failed.
    case writeFailed(path: String, reason: String)
    /// A zstd or snappy call failed; `call` names the C function.
    case compressionFailed(call: String, reason: String)
    /// A single Parquet page would exceed the format's 2 GiB page limit.
    case pageTooLarge(path: String, column: String, bytes: Int)
    /// `rowGroupSize` is not positive.
    case invalidRowGroupSize(Int)
    /// The output path's extension names no known format.
    case unknownFormat(path: String)
    /// `append` or `finish` was called after `finish`, or after an earlier failure.
    case closed(path: String)

    public var message: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        case .compressionFailed(let call, let reason): "\(call) failed: \(reason)"
        case .pageTooLarge(let path, let column, let bytes):
            "\(path): a page of column '\(column)' would hold \(bytes) bytes, over Parquet's 2 GiB limit"
        case .invalidRowGroupSize(let size): "row group size must be positive, got \(size)"
        case .unknownFormat(let path): "cannot tell the output format of \(path)"
        case .closed(let path): "output \(path) is already finished or failed earlier"
        }
    }

    public var hint: String? {
        switch self {
        case .cannotCreate: "check that the folder exists and is writable"
        case .writeFailed: "check free disk space and permissions"
        case .pageTooLarge: "shorten the offending strings or lists"
        case .invalidRowGroupSize: "pass a row group size of 1 or more"
        case .unknownFormat: "end the path with .parquet, .csv or .jsonl"
        case .compressionFailed, .closed: nil
        }
    }
}
