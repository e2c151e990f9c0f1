// The Parquet footer and page-header structs this writer uses, each encoding itself with the
// field ids of apache/parquet-format `src/main/thrift/parquet.thrift`. Only the fields we set are
// modelled; Thrift readers skip what is absent.

// MARK: - Enums (written as i32)

/// `Type`: physical storage types.
enum ParquetPhysicalType: Int32, Sendable {
    case int32 = 1
    case float = 4
    case byteArray = 6
}

/// `FieldRepetitionType`.
enum FieldRepetition: Int32, Sendable {
    case required = 0, optional = 1, repeated = 2
}

/// `ConvertedType`: the legacy annotations older readers look at.
enum ConvertedType: Int32, Sendable {
    case utf8 = 0
    case list = 3
}

/// `LogicalType`, a union: the annotations current readers look at (field 1 STRING, 3 LIST).
enum LogicalType: Sendable, ThriftStruct {
    case string, list

    func encode(to encoder: inout ThriftCompactEncoder) {
        switch self {
        case .string: encoder.field(1, struct: EmptyStruct())
        case .list: encoder.field(3, struct: EmptyStruct())
        }
    }
}

/// `Encoding`.
enum PageEncoding: Int32, Sendable {
    case plain = 0
    case rle = 3
}

/// `CompressionCodec`.
enum CompressionCodec: Int32, Sendable {
    case uncompressed = 0, snappy = 1, zstd = 6
}

/// `PageType`.
enum PageType: Int32, Sendable {
    case dataPage = 0
}

/// A struct with no fields (`StringType`, `ListType`, `TypeDefinedOrder`).
struct EmptyStruct: ThriftStruct {
    func encode(to encoder: inout ThriftCompactEncoder) {}
}

// MARK: - Schema

/// `SchemaElement`: one node of the depth-first flattened schema tree.
struct SchemaElement: Sendable, ThriftStruct {
    var type: ParquetPhysicalType?
    var repetition: FieldRepetition?
    var name: String
    var numChildren: Int32?
    var convertedType: ConvertedType?
    var logicalType: LogicalType?

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, i32: type?.rawValue)
        encoder.field(3, i32: repetition?.rawValue)
        encoder.field(4, string: name)
        encoder.field(5, i32: numChildren)
        encoder.field(6, i32: convertedType?.rawValue)
        encoder.field(10, struct: logicalType)
    }
}

/// `KeyValue`: one footer metadata entry.
struct KeyValue: ThriftStruct {
    var key: String
    var value: String?

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, string: key)
        encoder.field(2, string: value)
    }
}

// MARK: - Pages

/// `DataPageHeader` (data page v1).
struct DataPageHeader: ThriftStruct {
    /// Level entries in the page: values, nulls and empty lists alike.
    var numValues: Int32
    var encoding: PageEncoding = .plain
    var definitionLevelEncoding: PageEncoding = .rle
    var repetitionLevelEncoding: PageEncoding = .rle

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, i32: numValues)
        encoder.field(2, i32: encoding.rawValue)
        encoder.field(3, i32: definitionLevelEncoding.rawValue)
        encoder.field(4, i32: repetitionLevelEncoding.rawValue)
    }
}

/// `PageHeader`: precedes every page's (compressed) bytes.
struct PageHeader: ThriftStruct {
    var type: PageType = .dataPage
    /// Page bytes before compression, header excluded.
    var uncompressedPageSize: Int32
    /// Page bytes as stored, header excluded.
    var compressedPageSize: Int32
    var dataPageHeader: DataPageHeader

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, i32: type.rawValue)
        encoder.field(2, i32: uncompressedPageSize)
        encoder.field(3, i32: compressedPageSize)
        encoder.field(5, struct: dataPageHeader)
    }
}

// MARK: - Footer

/// `ColumnMetaData`: where a column chunk's pages are and how they are encoded.
struct ColumnMetaData: ThriftStruct {
    var type: ParquetPhysicalType
    var encodings: [PageEncoding]
    var pathInSchema: [String]
    var codec: CompressionCodec
    /// Level entries over all pages of the chunk.
    var numValues: Int64
    /// Page headers plus uncompressed page bytes.
    var totalUncompressedSize: Int64
    /// Page headers plus stored page bytes.
    var totalCompressedSize: Int64
    var dataPageOffset: Int64

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, i32: type.rawValue)
        encoder.field(2, i32s: encodings.map(\.rawValue))
        encoder.field(3, strings: pathInSchema)
        encoder.field(4, i32: codec.rawValue)
        encoder.field(5, i64: numValues)
        encoder.field(6, i64: totalUncompressedSize)
        encoder.field(7, i64: totalCompressedSize)
        encoder.field(9, i64: dataPageOffset)
    }
}

/// `ColumnChunk`: one column's data within one row group.
struct ColumnChunk: ThriftStruct {
    /// Deprecated in the spec; set to the chunk's first byte, as parquet-mr does.
    var fileOffset: Int64
    var metaData: ColumnMetaData

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(2, i64: fileOffset)
        encoder.field(3, struct: metaData)
    }
}

/// `RowGroup`.
struct RowGroup: ThriftStruct {
    var columns: [ColumnChunk]
    /// Sum of the chunks' uncompressed sizes.
    var totalByteSize: Int64
    var numRows: Int64
    var fileOffset: Int64
    var totalCompressedSize: Int64
    var ordinal: Int16?

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, structs: columns)
        encoder.field(2, i64: totalByteSize)
        encoder.field(3, i64: numRows)
        encoder.field(5, i64: fileOffset)
        encoder.field(6, i64: totalCompressedSize)
        encoder.field(7, i16: ordinal)
    }
}

/// `ColumnOrder`, a union: TYPE_ORDER (field 1) says min/max follow the type's natural order.
struct TypeDefinedColumnOrder: ThriftStruct {
    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, struct: EmptyStruct())
    }
}

/// `FileMetaData`: the footer.
struct FileMetaData: ThriftStruct {
    var version: Int32 = 2
    var schema: [SchemaElement]
    var numRows: Int64
    var rowGroups: [RowGroup]
    var keyValueMetadata: [KeyValue]
    var createdBy: String
    /// One per leaf column.
    var columnOrders: [TypeDefinedColumnOrder]

    func encode(to encoder: inout ThriftCompactEncoder) {
        encoder.field(1, i32: version)
        encoder.field(2, structs: schema)
        encoder.field(3, i64: numRows)
        encoder.field(4, structs: rowGroups)
        encoder.field(5, structs: keyValueMetadata.isEmpty ? nil : keyValueMetadata)
        encoder.field(6, string: createdBy)
        encoder.field(7, structs: columnOrders)
    }
}
