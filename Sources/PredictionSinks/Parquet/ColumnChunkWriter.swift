/// Writes one column of one row group as a run of compressed data pages.
///
/// ```
/// [PageHeader][page bytes] [PageHeader][page bytes] ...   ← data_page_offset points at the first
/// ```
/// Pages end on row boundaries once they pass about 1 MiB, so a reader's memory per page stays
/// small even with logits (4 KB a row).
struct ColumnChunkWriter {
    /// Start a new page once the current one holds about this many bytes.
    static let defaultPageSizeTarget = 1 << 20

    let column: ParquetColumn
    let compression: ParquetCompression
    /// Tests lower it to get many pages from few rows.
    var pageSizeTarget = defaultPageSizeTarget

    /// Writes `rows`' values of this column to `file` and returns the chunk's footer entry.
    func write(_ rows: ArraySlice<PredictionRow>, to file: OutputFile) throws -> ColumnChunk {
        var totals = ChunkTotals(firstPageOffset: file.position)
        var page = DataPageBuilder(column: column)
        for row in rows {
            page.append(row)
            if page.approximateSize >= pageSizeTarget {
                try writePage(&page, to: file, totals: &totals)
            }
        }
        if page.levelCount > 0 { try writePage(&page, to: file, totals: &totals) }
        return ColumnChunk(fileOffset: Int64(totals.firstPageOffset), metaData: metaData(totals))
    }

    // MARK: - Steps

    /// Compresses the page body, writes header and bytes, and empties the page.
    private func writePage(_ page: inout DataPageBuilder, to file: OutputFile, totals: inout ChunkTotals) throws {
        let body = page.body()
        let stored = try Compression.compress(body, with: compression)
        guard let uncompressedSize = Int32(exactly: body.count), let storedSize = Int32(exactly: stored.count),
            let levelCount = Int32(exactly: page.levelCount)
        else {
            throw SinkError.pageTooLarge(path: file.path, column: column.name, bytes: max(body.count, stored.count))
        }
        let header = ThriftCompactEncoder.encode(
            PageHeader(
                uncompressedPageSize: uncompressedSize, compressedPageSize: storedSize,
                dataPageHeader: DataPageHeader(numValues: levelCount)))
        try file.append(header)
        try file.append(stored)
        totals.add(
            headerSize: header.count, uncompressedSize: body.count, storedSize: stored.count, levels: page.levelCount)
        page.reset()
    }

    private func metaData(_ totals: ChunkTotals) -> ColumnMetaData {
        ColumnMetaData(
            type: column.physicalType, encodings: [.plain, .rle], pathInSchema: column.pathInSchema,
            codec: Compression.codec(for: compression), numValues: Int64(totals.levelCount),
            totalUncompressedSize: Int64(totals.uncompressedSize), totalCompressedSize: Int64(totals.storedSize),
            dataPageOffset: Int64(totals.firstPageOffset))
    }
}

/// Running sizes of a column chunk; both totals count page headers, as the spec asks.
struct ChunkTotals {
    let firstPageOffset: Int
    private(set) var uncompressedSize = 0
    private(set) var storedSize = 0
    private(set) var levelCount = 0

    init(firstPageOffset: Int) {
        self.firstPageOffset = firstPageOffset
    }

    mutating func add(headerSize: Int, uncompressedSize: Int, storedSize: Int, levels: Int) {
        self.uncompressedSize += headerSize + uncompressedSize
        self.storedSize += headerSize + storedSize
        levelCount += levels
    }
}
