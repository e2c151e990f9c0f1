/// One column of the output: its name, type and nullability, and how to read and write it on a row.
///
/// Built from a key path of ``PredictionRow``, so the type of the column is the type of the field:
/// `String` is a required string, `String?` an optional one, `[Float]?` an optional list of float32.
public struct OutputColumn: @unchecked Sendable {  // immutable; the closures capture key paths only
    public let name: String
    public let type: ValueType
    /// Whether readers may see null in this column.
    public let nullable: Bool
    /// The option that adds this column; nil for the columns every file has.
    public let extra: ExtraColumns?
    /// One line for `--help`, docs and the schema JSON.
    public let summary: String
    let get: (PredictionRow) -> Cell
    let set: (inout PredictionRow, Cell) -> Void

    /// A column no row leaves empty.
    init<T: CellValue>(_ name: String, _ field: WritableKeyPath<PredictionRow, T>, _ summary: String) {
        (self.name, self.type, self.nullable, self.extra, self.summary) = (name, T.valueType, false, nil, summary)
        get = { $0[keyPath: field].cell }
        set = { row, cell in if let value = T(cell) { row[keyPath: field] = value } }
    }

    /// A nullable column, written always or only with `extra`.
    init<T: CellValue>(
        _ name: String, _ field: WritableKeyPath<PredictionRow, T?>, _ summary: String, when extra: ExtraColumns? = nil
    ) {
        (self.name, self.type, self.nullable, self.extra, self.summary) = (name, T.valueType, true, extra, summary)
        get = { $0[keyPath: field]?.cell ?? .null }
        set = { row, cell in row[keyPath: field] = T(cell) }
    }

    /// This column's value in `row`.
    public func cell(in row: PredictionRow) -> Cell { get(row) }
}

/// The value types a column can have: the leaf types of Parquet's schema and of Arrow's.
public enum ValueType: String, Sendable, CaseIterable {
    case string, int32, float32
    case stringList = "list<string>", int32List = "list<int32>", float32List = "list<float32>"

    /// Whether values are lists of the scalar type.
    public var isList: Bool { self == .stringList || self == .int32List || self == .float32List }
}

/// One value of one row, format-neutral: what the writers, the codec and the JSON printer see.
public enum Cell: Sendable, Equatable {
    case null
    case string(String)
    case int(Int32)
    case float(Float)
    case strings([String])
    case ints([Int32])
    case floats([Float])
}

/// A Swift type a column may hold (`String`, `Int32`, `Float`, or an array of one of them).
protocol CellValue {
    static var valueType: ValueType { get }
    var cell: Cell { get }
    init?(_ cell: Cell)
}

/// A scalar that is also a list element.
protocol CellElement: CellValue {
    static var listType: ValueType { get }
    static func listCell(_ values: [Self]) -> Cell
    static func list(_ cell: Cell) -> [Self]?
}

extension String: CellElement {
    static var valueType: ValueType { .string }
    static var listType: ValueType { .stringList }
    var cell: Cell { .string(self) }
    init?(_ cell: Cell) {
        guard case .string(let v) = cell else { return nil }
        self = v
    }
    static func listCell(_ values: [String]) -> Cell { .strings(values) }
    static func list(_ cell: Cell) -> [String]? {
        if case .strings(let v) = cell { v } else { nil }
    }
}

extension Int32: CellElement {
    static var valueType: ValueType { .int32 }
    static var listType: ValueType { .int32List }
    var cell: Cell { .int(self) }
    init?(_ cell: Cell) {
        guard case .int(let v) = cell else { return nil }
        self = v
    }
    static func listCell(_ values: [Int32]) -> Cell { .ints(values) }
    static func list(_ cell: Cell) -> [Int32]? {
        if case .ints(let v) = cell { v } else { nil }
    }
}

extension Float: CellElement {
    static var valueType: ValueType { .float32 }
    static var listType: ValueType { .float32List }
    var cell: Cell { .float(self) }
    init?(_ cell: Cell) {
        guard case .float(let v) = cell else { return nil }
        self = v
    }
    static func listCell(_ values: [Float]) -> Cell { .floats(values) }
    static func list(_ cell: Cell) -> [Float]? {
        if case .floats(let v) = cell { v } else { nil }
    }
}

extension Array: CellValue where Element: CellElement {
    static var valueType: ValueType { Element.listType }
    var cell: Cell { Element.listCell(self) }
    init?(_ cell: Cell) {
        guard let v = Element.list(cell) else { return nil }
        self = v
    }
}
