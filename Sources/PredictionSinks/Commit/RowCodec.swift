/// A compact, exact binary form of rows, for the staged parts of a single-file output.
///
/// A job writing one `out.parquet` cannot append to a finished Parquet file, so it commits its
/// progress as parts in this form and converts them into the requested format once every input is
/// done. Every column of ``PredictionSchema/all`` is stored, in order, as its cell (floats as their
/// bits), so the codec follows the schema and needs no edit when a column is added:
///
///     row  := cell × columns
///     cell := tag:u8 payload       tag: 0 null, 1 string, 2 int32, 3 float32, 4 strings, 5 int32s, 6 float32s
///     payload := str | u32 | u32 | n:u32 str×n | n:u32 u32×n | n:u32 u32×n        str := length:u32 utf8
enum RowCodec {
    static func encode(_ rows: [PredictionRow]) -> [UInt8] {
        var out: [UInt8] = []
        for row in rows {
            for column in PredictionSchema.all { put(column.cell(in: row), &out) }
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(StagingError) -> [PredictionRow] {
        var reader = Reader(bytes: bytes)
        var rows: [PredictionRow] = []
        while !reader.atEnd {
            var row = PredictionRow(path: "")
            for column in PredictionSchema.all {
                let cell = try reader.cell()
                guard column.nullable || cell != .null else { throw .corrupt }
                column.set(&row, cell)
            }
            rows.append(row)
        }
        return rows
    }

    // MARK: - Writing

    private static func put(_ cell: Cell, _ out: inout [UInt8]) {
        switch cell {
        case .null: out.append(0)
        case .string(let v):
            out.append(1)
            put(v, &out)
        case .int(let v):
            out.append(2)
            put(UInt32(bitPattern: v), &out)
        case .float(let v):
            out.append(3)
            put(v.bitPattern, &out)
        case .strings(let v):
            out.append(4)
            put(UInt32(v.count), &out)
            for s in v { put(s, &out) }
        case .ints(let v):
            out.append(5)
            put(UInt32(v.count), &out)
            for x in v { put(UInt32(bitPattern: x), &out) }
        case .floats(let v):
            out.append(6)
            put(UInt32(v.count), &out)
            for x in v { put(x.bitPattern, &out) }
        }
    }

    private static func put(_ s: String, _ out: inout [UInt8]) {
        put(UInt32(s.utf8.count), &out)
        out += s.utf8
    }

    private static func put(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    // MARK: - Reading

    /// Reads cells back; every length is checked against the bytes left before anything is allocated.
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var atEnd: Bool { offset >= bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func cell() throws(StagingError) -> Cell {
            switch try byte() {
            case 0: return .null
            case 1: return .string(try string())
            case 2: return .int(Int32(bitPattern: try uint32()))
            case 3: return .float(Float(bitPattern: try uint32()))
            case 4: return .strings(try list(minimumSize: 4) { (r: inout Reader) throws(StagingError) in try r.string() })
            case 5: return .ints(try list(minimumSize: 4) { (r: inout Reader) throws(StagingError) in Int32(bitPattern: try r.uint32()) })
            case 6: return .floats(try list(minimumSize: 4) { (r: inout Reader) throws(StagingError) in Float(bitPattern: try r.uint32()) })
            default: throw .corrupt
            }
        }

        private mutating func list<T>(minimumSize: Int, _ element: (inout Reader) throws(StagingError) -> T) throws(StagingError) -> [T] {
            let n = Int(try uint32())
            guard n <= remaining / minimumSize else { throw .corrupt }
            var values: [T] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try element(&self)) }
            return values
        }

        private mutating func byte() throws(StagingError) -> UInt8 {
            guard offset < bytes.count else { throw .corrupt }
            defer { offset += 1 }
            return bytes[offset]
        }

        private mutating func uint32() throws(StagingError) -> UInt32 {
            guard remaining >= 4 else { throw .corrupt }
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
            offset += 4
            return v
        }

        private mutating func string() throws(StagingError) -> String {
            let n = Int(try uint32())
            guard n <= remaining else { throw .corrupt }
            defer { offset += n }
            return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
        }
    }
}

/// A staged part could not be read back.
enum StagingError: Error {
    case corrupt
}
