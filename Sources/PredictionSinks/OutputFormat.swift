/// The file formats a sink can write.
public enum OutputFormat: String, Sendable, CaseIterable {
    case parquet, csv, jsonl

    /// The format named by a path's extension (`.parquet`, `.csv`, `.jsonl`, any case); nil for others.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}

/// The codec that compresses every Parquet data page.
public enum ParquetCompression: String, Sendable, CaseIterable {
    case zstd, snappy, none
}
