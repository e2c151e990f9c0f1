/// How one output column (``OutputColumn``) is stored in Parquet: its leaf type and how it nests.
///
/// The file's schema, as `pq.ParquetFile(...).schema` prints it:
/// ```
/// required binary path (STRING);
/// optional binary label (STRING);
/// optional int32 class_index;
/// optional float confidence;
/// optional group top_k_labels (LIST) { repeated group list { optional binary element (STRING); } }
/// optional group top_k_indices (LIST) { repeated group list { optional int32 element; } }
/// optional group top_k_probs (LIST) { repeated group list { optional float element; } }
/// optional binary error (STRING);
/// optional binary true_label (STRING); optional int32 true_index;                    (--labels-from-dirs)
/// optional group logits (LIST) { repeated group list { optional float element; } }   (--emit logits)
/// optional group embedding (LIST) { repeated group list { optional float element; } } (--emit embeddings)
/// ```
/// Lists use the three-level form of the spec's LogicalTypes.md, which every reader maps to a list.
struct ParquetColumn: Sendable {
    /// How values nest, which fixes the maximum definition and repetition levels.
    enum Shape: Sendable {
        /// Always present: no levels.
        case required
        /// Present or null: definition level 1 when present.
        case optional
        /// An optional list of optional elements: definition 0 null list, 1 empty list,
        /// 2 null element, 3 element; repetition 0 starts a row, 1 continues its list.
        case optionalList
    }

    let column: OutputColumn
    let physicalType: ParquetPhysicalType
    let isString: Bool
    let shape: Shape

    /// How `column` is stored: its value type fixes the leaf type, nullability and lists the nesting.
    init(_ column: OutputColumn) {
        self.column = column
        switch column.type {
        case .string, .stringList: (physicalType, isString) = (.byteArray, true)
        case .int32, .int32List: (physicalType, isString) = (.int32, false)
        case .float32, .float32List: (physicalType, isString) = (.float, false)
        }
        shape = column.type.isList ? .optionalList : column.nullable ? .optional : .required
    }

    var name: String { column.name }

    var maxDefinitionLevel: UInt8 {
        switch shape {
        case .required: 0
        case .optional: 1
        case .optionalList: 3
        }
    }

    var maxRepetitionLevel: UInt8 { shape == .optionalList ? 1 : 0 }

    /// The leaf's path from the root, as ColumnMetaData names it.
    var pathInSchema: [String] { shape == .optionalList ? [name, "list", "element"] : [name] }

    /// This column's schema nodes, depth first.
    var schemaElements: [SchemaElement] {
        switch shape {
        case .required: [leaf(name, .required)]
        case .optional: [leaf(name, .optional)]
        case .optionalList:
            [
                SchemaElement(
                    repetition: .optional, name: name, numChildren: 1, convertedType: .list, logicalType: .list),
                SchemaElement(repetition: .repeated, name: "list", numChildren: 1),
                leaf("element", .optional),
            ]
        }
    }

    private func leaf(_ name: String, _ repetition: FieldRepetition) -> SchemaElement {
        SchemaElement(
            type: physicalType, repetition: repetition, name: name,
            convertedType: isString ? .utf8 : nil, logicalType: isString ? .string : nil)
    }
}

/// The Parquet form of ``PredictionSchema``.
enum ParquetSchema {
    /// The leaf columns of a file with `extras`, in order.
    static func columns(_ extras: ExtraColumns) -> [ParquetColumn] {
        PredictionSchema.columns(extras).map(ParquetColumn.init)
    }

    /// The whole schema: the root, then every column's nodes.
    static func elements(of columns: [ParquetColumn]) -> [SchemaElement] {
        let root = SchemaElement(name: "schema", numChildren: Int32(columns.count))
        return [root] + columns.flatMap(\.schemaElements)
    }
}
