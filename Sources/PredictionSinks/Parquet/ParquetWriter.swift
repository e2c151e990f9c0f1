import Foundation

/// Writes prediction rows to a Parquet file, one row group at a time.
///
/// ```
/// "PAR1" │ row group 0: chunk path │ chunk label │ ... │ row group 1: ... │ FileMetaData │ len │ "PAR1"
///          each chunk: [PageHeader][page] [PageHeader][page] ...         (Thrift compact, 4 bytes LE)
/// ```
/// Rows wait in memory until `rowGroupSize` of them (or about 64 MiB of them) have arrived; then each column is shredded,
/// paged, compressed and written, and only the chunks' footer entries are kept. `finish()` writes
/// the last (short) row group and the footer. Pages are data page v1, values PLAIN, levels RLE.
final class ParquetWriter: RowSink {
    /// The `created_by` footer string, in the spec's "<application> version <version>" form.
    static let createdBy = "batchvision version 0.1.0"
    private static let magic = Array("PAR1".utf8)

    private let file: OutputFile
    private let options: SinkOptions
    private let columns: [ParquetColumn]
    private let pageSizeTarget: Int
    private var pending: [PredictionRow] = []
    /// Roughly the bytes `pending` holds, so that wide rows (logits, embeddings) cut row groups early.
    private var pendingBytes = 0
    /// A row group is written once its rows hold about this much, even before `rowGroupSize` rows.
    static let rowGroupByteLimit = 64 << 20
    private var rowGroups: [RowGroup] = []
    private var rowCount = 0
    private var isOpen = true

    /// Creates the file and writes the leading magic.
    ///
    /// `pageSizeTarget` is for tests, which lower it to get many pages per column chunk.
    init(url: URL, options: SinkOptions, pageSizeTarget: Int = ColumnChunkWriter.defaultPageSizeTarget) throws {
        guard options.rowGroupSize > 0 else { throw SinkError.invalidRowGroupSize(options.rowGroupSize) }
        self.options = options
        self.pageSizeTarget = pageSizeTarget
        columns = ParquetSchema.columns(options.extras)
        file = try OutputFile(creating: url)
        try guarded { try file.append(Self.magic) }
    }

    func append(_ rows: [PredictionRow]) throws {
        try guarded {
            for row in rows {
                pending.append(row)
                pendingBytes += Self.approximateBytes(row)
                if pending.count == options.rowGroupSize || pendingBytes >= Self.rowGroupByteLimit { try writeRowGroup() }
            }
        }
    }

    func finish() throws {
        try guarded {
            if !pending.isEmpty { try writeRowGroup() }
            let footer = ThriftCompactEncoder.encode(fileMetaData())
            try file.append(footer)
            try file.append(withUnsafeBytes(of: UInt32(footer.count).littleEndian, Array.init))
            try file.append(Self.magic)
            try file.finish(sync: options.syncOnFinish)
        }
        isOpen = false
    }

    // MARK: - Steps

    /// Runs `body` if the sink is open; closes it for good if `body` throws.
    private func guarded(_ body: () throws -> Void) throws {
        guard isOpen else { throw SinkError.closed(path: file.path) }
        do { try body() } catch {
            isOpen = false
            throw error
        }
    }

    /// Writes every column of the pending rows as one row group.
    private func writeRowGroup() throws {
        let start = file.position
        let chunks = try columns.map { column in
            let writer = ColumnChunkWriter(
                column: column, compression: options.compression, pageSizeTarget: pageSizeTarget)
            return try writer.write(pending[...], to: file)
        }
        rowGroups.append(
            RowGroup(
                columns: chunks, totalByteSize: chunks.reduce(0) { $0 + $1.metaData.totalUncompressedSize },
                numRows: Int64(pending.count), fileOffset: Int64(start),
                totalCompressedSize: Int64(file.position - start), ordinal: Int16(exactly: rowGroups.count)))
        rowCount += pending.count
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    /// The size of a row's lists and strings, which is what makes a row group large.
    private static func approximateBytes(_ row: PredictionRow) -> Int {
        let floats = (row.logits?.count ?? 0) + (row.embedding?.count ?? 0) + (row.topKProbs?.count ?? 0)
        let strings = (row.topKLabels ?? []).reduce(row.path.utf8.count) { $0 + $1.utf8.count }
        return 64 + 4 * floats + strings + (row.error?.utf8.count ?? 0)
    }

    private func fileMetaData() -> FileMetaData {
        FileMetaData(
            schema: ParquetSchema.elements(of: columns), numRows: Int64(rowCount), rowGroups: rowGroups,
            keyValueMetadata: options.metadata.map { KeyValue(key: $0.0, value: $0.1) },
            createdBy: Self.createdBy,
            columnOrders: columns.map { _ in TypeDefinedColumnOrder() })
    }
}
