import TensorCore

/// Reads a safetensors file.
///
/// ```
/// u64 LE  N, the header length
/// N bytes JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
///               "__metadata__": {"key": "value"}}
/// rest    the data; offsets are relative to its start
/// ```
/// Format reference: huggingface/safetensors `README.md` and `safetensors/src/tensor.rs`.
enum SafetensorsReader {
    static let dtypes: [String: DType] = [
        "F32": .float32, "F16": .float16, "BF16": .bfloat16, "F64": .float64, "I64": .int64,
        "I32": .int32, "I16": .int16, "I8": .int8, "U8": .uint8, "BOOL": .bool,
    ]

    static func read(_ file: FileBytes) throws -> [(String, WeightTensor)] {
        // step 1: header length, bounded by the file and the format's limit
        var reader = ByteReader(file.buffer, context: "safetensors header")
        let declared = try reader.read(UInt64.self)
        guard declared <= UInt64(reader.remaining), declared <= UInt64(Limits.maxSafetensorsHeader) else {
            throw FormatProblem.malformed("safetensors header length \(declared) exceeds the file's \(file.buffer.count) bytes")
        }
        let dataStart = 8 + Int(declared)
        // step 2: the JSON header, in order
        var parser = JSONParser(file.buffer, from: 8, end: dataStart)
        guard case .object(let members) = try parser.parseDocument() else {
            throw FormatProblem.malformed("safetensors header is not a JSON object")
        }
        // step 3: each tensor's byte range inside the data section
        let dataSize = file.buffer.count - dataStart
        return try members.filter { $0.key != "__metadata__" }.map { name, info in
            (name, try tensor(name, info, file: file, dataStart: dataStart, dataSize: dataSize))
        }
    }

    private static func tensor(_ name: String, _ info: JSONValue, file: FileBytes, dataStart: Int, dataSize: Int) throws -> WeightTensor {
        guard case .object(let fields) = info,
            case .string(let dtypeName)? = fields.first(where: { $0.key == "dtype" })?.value,
            case .array(let shapeItems)? = fields.first(where: { $0.key == "shape" })?.value,
            case .array(let offsetItems)? = fields.first(where: { $0.key == "data_offsets" })?.value
        else { throw FormatProblem.malformed("safetensors entry '\(name)' lacks dtype, shape or data_offsets") }
        guard let dtype = dtypes[dtypeName] else { throw FormatProblem.unsupported("safetensors entry '\(name)' has dtype \(dtypeName), which is not supported") }
        let dims = shapeItems.compactMap { $0.integer }.filter { $0 >= 0 }
        let offsets = offsetItems.compactMap { $0.integer }
        guard dims.count == shapeItems.count, dims.count <= Limits.maxRank else {
            throw FormatProblem.malformed("safetensors entry '\(name)' has an invalid shape")
        }
        guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
            throw FormatProblem.malformed("safetensors entry '\(name)' has data_offsets \(offsets) outside the \(dataSize)-byte data section")
        }
        let byteCount = offsets[1] - offsets[0]
        let count = try elementCount(dims, name)
        guard count.multipliedReportingOverflow(by: dtype.byteCount) == (byteCount, false) else {
            throw FormatProblem.malformed("safetensors entry '\(name)' has shape \(dims) of \(dtype) but \(byteCount) bytes")
        }
        let region = StorageRegion(file: file, byteOffset: dataStart + offsets[0], elementCount: count, bigEndian: false)
        return try WeightTensor(shape: Shape(dims), dtype: dtype, strides: contiguousStrides(dims), elementOffset: 0,
                                storage: region, maxElements: file.buffer.count)
    }

    private static func elementCount(_ dims: [Int], _ name: String) throws -> Int {
        try dims.reduce(1) { product, dim in
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw FormatProblem.malformed("safetensors entry '\(name)' has a shape whose size overflows") }
            return next
        }
    }

    /// Row-major strides; safetensors tensors are always contiguous.
    static func contiguousStrides(_ dims: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: dims.count)
        var step = 1
        for axis in dims.indices.reversed() {
            strides[axis] = step
            step = step &* max(dims[axis], 1)
        }
        return strides
    }
}
