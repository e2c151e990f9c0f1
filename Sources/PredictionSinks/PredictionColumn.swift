/// The columns every format writes, in file order, with their names.
///
/// CSV headers, JSONL keys and Parquet field names all come from here, so the three formats agree.
enum PredictionColumn: String, Sendable, CaseIterable {
    case path
    case label
    case classIndex = "class_index"
    case confidence
    case topKLabels = "top_k_labels"
    case topKIndices = "top_k_indices"
    case topKProbs = "top_k_probs"
    case error
    case logits

    /// The column's name in every format.
    var name: String { rawValue }

    /// The columns of a file, `logits` last and only when asked for.
    static func all(includeLogits: Bool) -> [PredictionColumn] {
        includeLogits ? allCases : allCases.filter { $0 != .logits }
    }

    /// This column's value in `row`, as a format-neutral cell.
    func cell(in row: PredictionRow) -> Cell {
        switch self {
        case .path: .string(row.path)
        case .label: row.label.map(Cell.string) ?? .null
        case .classIndex: row.classIndex.map(Cell.int) ?? .null
        case .confidence: row.confidence.map(Cell.float) ?? .null
        case .topKLabels: row.topKLabels.map(Cell.strings) ?? .null
        case .topKIndices: row.topKIndices.map(Cell.ints) ?? .null
        case .topKProbs: row.topKProbs.map(Cell.floats) ?? .null
        case .error: row.error.map(Cell.string) ?? .null
        case .logits: row.logits.map(Cell.floats) ?? .null
        }
    }
}

/// One value of one row, for the text formats.
enum Cell {
    case null
    case string(String)
    case int(Int32)
    case float(Float)
    case strings([String])
    case ints([Int32])
    case floats([Float])
}
