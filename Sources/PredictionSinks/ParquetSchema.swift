/// How one prediction column is stored in Parquet: its leaf type and how it nests.
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
/// optional group logits (LIST) { repeated group list { optional float element; } }   (with includeLogits)
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

    let column: PredictionColumn
    let physicalType: ParquetPhysicalType
    let isString: Bool
    let shape: Shape

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

/// The fixed predictions schema.
enum PredictionSchema {
    /// The leaf columns of a file, in order.
    static func columns(includeLogits: Bool) -> [ParquetColumn] {
        PredictionColumn.all(includeLogits: includeLogits).map(parquetColumn)
    }

    /// The whole schema: the root, then every column's nodes.
    static func elements(of columns: [ParquetColumn]) -> [SchemaElement] {
        let root = SchemaElement(name: "schema", numChildren: Int32(columns.count))
        return [root] + columns.flatMap(\.schemaElements)
    }

    private static func parquetColumn(_ column: PredictionColumn) -> ParquetColumn {
        switch column {
        case .path: ParquetColumn(column: column, physicalType: .byteArray, isString: true, shape: .required)
        case .label, .error:
            ParquetColumn(column: column, physicalType: .byteArray, isString: true, shape: .optional)
        case .classIndex: ParquetColumn(column: column, physicalType: .int32, isString: false, shape: .optional)
        case .confidence: ParquetColumn(column: column, physicalType: .float, isString: false, shape: .optional)
        case .topKLabels:
            ParquetColumn(column: column, physicalType: .byteArray, isString: true, shape: .optionalList)
        case .topKIndices: ParquetColumn(column: column, physicalType: .int32, isString: false, shape: .optionalList)
        case .topKProbs, .logits:
            ParquetColumn(column: column, physicalType: .float, isString: false, shape: .optionalList)
        }
    }
}
