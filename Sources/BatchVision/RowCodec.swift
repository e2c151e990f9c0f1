import Foundation

/// A compact binary encoding of predictions, for the staged parts of a single-file output.
///
/// A job writing one `out.parquet` cannot append to a finished Parquet file, so it commits its
/// progress as parts in this format (exact: floats are stored as their bits) and converts them
/// into the requested format once every input is done.
///
/// row := flags:u8 path:str [label:str index:i32 conf:f32 k:u16 (label:str index:i32 prob:f32)*k]
///        [error:str] [n:u32 logit:f32*n]        str := length:u32 utf8
enum RowCodec {
    private static let hasError: UInt8 = 1, hasLogits: UInt8 = 2

    static func encode(_ rows: [Prediction]) -> [UInt8] {
        var out: [UInt8] = []
        for row in rows {
            out.append((row.error != nil ? hasError : 0) | (row.logits != nil ? hasLogits : 0))
            put(row.path, &out)
            if let error = row.error {
                put(error, &out)
            } else {
                put(UInt16(row.topK.count), &out)
                for c in row.topK {
                    put(c.label, &out)
                    put(UInt32(truncatingIfNeeded: c.classIndex), &out)
                    put(c.probability.bitPattern, &out)
                }
            }
            if let logits = row.logits {
                put(UInt32(logits.count), &out)
                for v in logits { put(v.bitPattern, &out) }
            }
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws -> [Prediction] {
        var reader = Reader(bytes: bytes)
        var rows: [Prediction] = []
        while !reader.atEnd {
            let flags = try reader.byte()
            let path = try reader.string()
            var topK: [Prediction.Candidate] = []
            var error: String?
            if flags & hasError != 0 {
                error = try reader.string()
            } else {
                for _ in 0..<Int(try reader.uint16()) {
                    let label = try reader.string()
                    let index = Int(Int32(bitPattern: try reader.uint32()))
                    topK.append(.init(label: label, classIndex: index, probability: Float(bitPattern: try reader.uint32())))
                }
            }
            var logits: [Float]?
            if flags & hasLogits != 0 {
                let n = Int(try reader.uint32())
                guard n <= reader.remaining / 4 else { throw StagingError.corrupt }
                logits = try (0..<n).map { _ in Float(bitPattern: try reader.uint32()) }
            }
            rows.append(Prediction(path: path, topK: topK, logits: logits, error: error))
        }
        return rows
    }

    private static func put(_ s: String, _ out: inout [UInt8]) {
        put(UInt32(s.utf8.count), &out)
        out += s.utf8
    }

    private static func put<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var atEnd: Bool { offset >= bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw StagingError.corrupt }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard remaining >= size else { throw StagingError.corrupt }
            var v: T = 0
            for i in 0..<size { v |= T(bytes[offset + i]) << (8 * i) }
            offset += size
            return v
        }

        mutating func uint16() throws -> UInt16 { try integer(UInt16.self) }
        mutating func uint32() throws -> UInt32 { try integer(UInt32.self) }

        mutating func string() throws -> String {
            let n = Int(try uint32())
            guard n <= remaining else { throw StagingError.corrupt }
            defer { offset += n }
            return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
        }
    }
}

enum StagingError: UserFacingError {
    case corrupt
    var message: String { "a staged part of the output is corrupt" }
    var hint: String? { "rerun with --overwrite to start the job again" }
}
