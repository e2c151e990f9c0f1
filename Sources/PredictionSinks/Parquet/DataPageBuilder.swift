/// Shreds rows of one column into the levels and values of a data page (v1).
///
/// For a list column, a row becomes one level entry per element, or one entry for a null or
/// empty list (Dremel's record shredding):
/// ```
/// row list      repetition   definition   values
/// nil           0            0            -
/// []            0            1            -
/// [a, b, c]     0 1 1        3 3 3        a b c
/// ```
/// An optional scalar is one entry with definition 0 (null) or 1 (value); a required one has no
/// levels at all.
struct DataPageBuilder {
    let column: ParquetColumn
    private(set) var repetitionLevels: [UInt8] = []
    private(set) var definitionLevels: [UInt8] = []
    private(set) var values = PlainEncoder()
    /// Level entries so far: the page's `num_values`.
    private(set) var levelCount = 0

    init(column: ParquetColumn) {
        self.column = column
    }

    /// Roughly the page's uncompressed size, for deciding when to start a new page.
    var approximateSize: Int { values.bytes.count + levelCount / 2 }

    /// Adds one row's entries.
    mutating func append(_ row: PredictionRow) {
        switch column.column.cell(in: row) {
        case .null: appendNull()
        case .string(let v): appendScalar(v) { $0.append($1) }
        case .int(let v): appendScalar(v) { $0.append($1) }
        case .float(let v): appendScalar(v) { $0.append($1) }
        case .strings(let v): appendList(v) { $0.append($1) }
        case .ints(let v): appendList(v) { $0.append($1) }
        case .floats(let v): appendList(v) { $0.append($1) }
        }
    }

    /// The page body before compression: repetition levels, definition levels (each only when the
    /// column has them, length-prefixed), then the PLAIN values.
    func body() -> [UInt8] {
        var body: [UInt8] = []
        if column.maxRepetitionLevel > 0 {
            body += LevelEncoding.lengthPrefixed(repetitionLevels, maxLevel: column.maxRepetitionLevel)
        }
        if column.maxDefinitionLevel > 0 {
            body += LevelEncoding.lengthPrefixed(definitionLevels, maxLevel: column.maxDefinitionLevel)
        }
        return body + values.bytes
    }

    /// Empties the page, keeping its storage for the next one.
    mutating func reset() {
        repetitionLevels.removeAll(keepingCapacity: true)
        definitionLevels.removeAll(keepingCapacity: true)
        values.removeAll()
        levelCount = 0
    }

    // MARK: - Shredding

    /// A null scalar (definition 0) or a null list (repetition 0, definition 0).
    private mutating func appendNull() {
        precondition(column.shape != .required, "column \(column.name) is required but the row has no value")
        if column.shape == .optionalList { repetitionLevels.append(0) }
        definitionLevels.append(0)
        levelCount += 1
    }

    private mutating func appendScalar<T>(_ value: T, _ encode: (inout PlainEncoder, T) -> Void) {
        encode(&values, value)
        if column.shape == .optional { definitionLevels.append(1) }
        levelCount += 1
    }

    private mutating func appendList<T>(_ list: [T], _ encode: (inout PlainEncoder, T) -> Void) {
        guard !list.isEmpty else {
            repetitionLevels.append(0)
            definitionLevels.append(1)  // list present, empty
            levelCount += 1
            return
        }
        for (index, element) in list.enumerated() {
            encode(&values, element)
            repetitionLevels.append(index == 0 ? 0 : 1)
            definitionLevels.append(3)  // list present, slot present, element present
        }
        levelCount += list.count
    }
}
