import Foundation

/// A destination for prediction rows: one file, written in input order.
///
/// ```
///  append([rows]) ─► buffer ─► (row group full) ─► file
///  append([rows]) ─► ...
///  finish()       ─► last rows ─► footer ─► (fsync) ─► close
/// ```
///
/// A sink is used from one thread at a time. After `finish()` returns, the file is complete and
/// readable; after any error the sink refuses further calls and the file must be discarded.
public protocol RowSink: AnyObject {
    /// Appends rows in order (buffers internally; writes a row group when full).
    ///
    /// - Throws: ``SinkError`` when writing or compressing fails, or the sink is closed.
    func append(_ rows: [PredictionRow]) throws
    /// Flushes and finishes the file (Parquet footer); after this the file is complete and readable.
    ///
    /// - Throws: ``SinkError`` when writing, syncing or closing fails, or the sink is closed.
    func finish() throws
}

/// Opens sinks by format.
public enum Sinks {
    /// Creates (or truncates) the file at `url` and returns a sink writing `format` to it.
    ///
    /// The file is written in place; committing it atomically (temporary name, fsync via
    /// ``SinkOptions/syncOnFinish``, rename) is the caller's job.
    ///
    /// - Parameters:
    ///   - format: The file format.
    ///   - url: A file URL; its folder must exist.
    ///   - options: Columns, compression, row group size and footer metadata.
    /// - Returns: A sink that must be finished with ``RowSink/finish()``.
    /// - Throws: ``SinkError/cannotCreate(path:reason:)`` or ``SinkError/invalidRowGroupSize(_:)``.
    public static func open(_ format: OutputFormat, at url: URL, options: SinkOptions) throws -> any RowSink {
        switch format {
        case .parquet: try ParquetWriter(url: url, options: options)
        case .csv: try CSVWriter(url: url, options: options)
        case .jsonl: try JSONLWriter(url: url, options: options)
        }
    }
}
