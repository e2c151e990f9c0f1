/// How a sink writes its file.
public struct SinkOptions: Sendable {
    /// The optional columns the file has (logits: 4 KB a row for 1000 classes; embeddings: 8 KB for 2048 features).
    public var extras: ExtraColumns = []
    /// The Parquet page codec (ignored by CSV and JSONL).
    public var compression: ParquetCompression = .zstd
    /// Rows per Parquet row group; the writer holds at most this many rows in memory.
    public var rowGroupSize = 10_000
    /// Parquet key-value metadata for the footer (model, weights sha256, preprocessing, version), in order.
    public var metadata: [(String, String)] = []
    /// Whether `finish()` calls `fsync` before closing, so a following rename commits durable bytes.
    public var syncOnFinish = false

    /// Options with the defaults above.
    public init() {}

    /// Options with the given values; the rest keep their defaults.
    public init(
        extras: ExtraColumns = [], compression: ParquetCompression = .zstd, rowGroupSize: Int = 10_000,
        metadata: [(String, String)] = [], syncOnFinish: Bool = false
    ) {
        self.extras = extras
        self.compression = compression
        self.rowGroupSize = rowGroupSize
        self.metadata = metadata
        self.syncOnFinish = syncOnFinish
    }
}
