import Foundation

/// The shared body of the CSV and JSONL sinks: open file, columns, line formatting, lifecycle.
///
/// Text rows are independent lines, so nothing is held back: each `append` formats its rows and
/// hands the bytes to the file's buffer.
class TextRowWriter: RowSink {
    let columns: [OutputColumn]
    private let file: OutputFile
    private let syncOnFinish: Bool
    private var isOpen = true

    init(url: URL, options: SinkOptions) throws {
        columns = PredictionSchema.columns(options.extras)
        syncOnFinish = options.syncOnFinish
        file = try OutputFile(creating: url)
        try guarded { try file.append(header()) }
    }

    /// Bytes before the first row (the CSV header); none by default.
    func header() -> [UInt8] { [] }

    /// Appends one row's line, line ending included.
    func appendLine(for row: PredictionRow, to out: inout [UInt8]) {}

    func append(_ rows: [PredictionRow]) throws {
        try guarded {
            var out: [UInt8] = []
            for row in rows { appendLine(for: row, to: &out) }
            try file.append(out)
        }
    }

    func finish() throws {
        try guarded { try file.finish(sync: syncOnFinish) }
        isOpen = false
    }

    /// Runs `body` if the sink is open; closes it for good if `body` throws.
    private func guarded(_ body: () throws -> Void) throws {
        guard isOpen else { throw SinkError.closed(path: file.path) }
        do { try body() } catch {
            isOpen = false
            throw error
        }
    }
}
