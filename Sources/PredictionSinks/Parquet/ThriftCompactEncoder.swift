/// A value that writes itself as a Thrift struct's fields.
protocol ThriftStruct {
    /// Writes this struct's fields (not the stop byte: the encoder adds it).
    func encode(to encoder: inout ThriftCompactEncoder)
}

/// Writes Thrift's compact protocol, the encoding of every Parquet header and footer.
///
/// The spec is `doc/specs/thrift-compact-protocol.md` in apache/thrift. What matters here:
/// - integers are zigzag-mapped (so small negatives stay small), then written as ULEB128 varints;
/// - a field header is one byte `delta << 4 | type` when the field id is 1...15 above the previous
///   field of the same struct, else the type byte followed by the zigzag varint id;
/// - a boolean field carries its value in the header's type (1 true, 2 false) and has no body;
/// - a nested struct starts its own field-id count at 0 and ends with a stop byte (0);
/// - a list header is `count << 4 | element type` for counts below 15, else `0xF0 | type` and a varint count.
///
/// Absent optional fields are simply not written, so the `field` methods take optionals.
struct ThriftCompactEncoder {
    /// The compact protocol's type ids.
    enum CompactType: UInt8 {
        case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    /// The id of the last field written in the struct being written (0 at a struct's start).
    private var lastFieldID: Int16 = 0

    /// Encodes `value` as a top-level struct (field headers, then a stop byte).
    static func encode(_ value: some ThriftStruct) -> [UInt8] {
        var encoder = ThriftCompactEncoder()
        encoder.writeStruct(value)
        return encoder.bytes
    }

    // MARK: - Fields

    mutating func field(_ id: Int16, bool value: Bool?) {
        guard let value else { return }
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func field(_ id: Int16, i16 value: Int16?) {
        guard let value else { return }
        writeFieldHeader(id, .i16)
        writeVarint(Self.zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i32 value: Int32?) {
        guard let value else { return }
        writeFieldHeader(id, .i32)
        writeVarint(Self.zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64?) {
        guard let value else { return }
        writeFieldHeader(id, .i64)
        writeVarint(Self.zigzag(value))
    }

    mutating func field(_ id: Int16, string value: String?) {
        guard let value else { return }
        writeFieldHeader(id, .binary)
        writeBinary(value.utf8)
    }

    mutating func field(_ id: Int16, struct value: (some ThriftStruct)?) {
        guard let value else { return }
        writeFieldHeader(id, .structure)
        writeStruct(value)
    }

    mutating func field(_ id: Int16, structs values: [some ThriftStruct]?) {
        guard let values else { return }
        writeFieldHeader(id, .list)
        writeListHeader(count: values.count, of: .structure)
        for value in values { writeStruct(value) }
    }

    mutating func field(_ id: Int16, i32s values: [Int32]?) {
        guard let values else { return }
        writeFieldHeader(id, .list)
        writeListHeader(count: values.count, of: .i32)
        for value in values { writeVarint(Self.zigzag(Int64(value))) }
    }

    mutating func field(_ id: Int16, strings values: [String]?) {
        guard let values else { return }
        writeFieldHeader(id, .list)
        writeListHeader(count: values.count, of: .binary)
        for value in values { writeBinary(value.utf8) }
    }

    // MARK: - Building blocks

    /// Writes a struct's fields and its stop byte, with the field-id count saved around it.
    mutating func writeStruct(_ value: some ThriftStruct) {
        let outer = lastFieldID
        lastFieldID = 0
        value.encode(to: &self)
        bytes.append(0)
        lastFieldID = outer
    }

    /// Writes a field header: short form for a forward delta of 1...15, long form otherwise.
    mutating func writeFieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if (1...15).contains(delta) {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(Self.zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func writeListHeader(count: Int, of type: CompactType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// Writes a varint length, then the bytes.
    mutating func writeBinary(_ value: some Collection<UInt8>) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a ULEB128 varint.
    mutating func writeVarint(_ value: UInt64) {
        bytes.appendVarint(value)
    }

    /// Maps signed to unsigned so that small magnitudes get small codes: 0, -1, 1, -2 → 0, 1, 2, 3.
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
