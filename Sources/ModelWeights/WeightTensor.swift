import TensorCore

/// One named tensor of a checkpoint: its shape, element type, and a view of the file's bytes.
///
/// The bytes are not copied at load time: the tensor refers to the (memory-mapped) file, with
/// torch's offset and strides, and ``floats()`` makes the contiguous float32 copy on demand.
public struct WeightTensor: Sendable {
    public let shape: Shape
    /// The element type stored in the file (`num_batches_tracked` is `.int64`).
    public let dtype: DType
    /// Element strides into the storage, as torch saved them (row-major contiguous is the common case).
    public let strides: [Int]
    let storage: StorageRegion
    /// Offset of the first element in `storage`, in elements.
    let elementOffset: Int

    /// Creates a view, checking that it lies within `storage` and that its element count is bounded.
    ///
    /// - Parameter maxElements: the most elements any tensor of this file may have (its byte size),
    ///   which keeps a broadcast (stride 0) view from asking for more memory than the file justifies.
    init(shape: Shape, dtype: DType, strides: [Int], elementOffset: Int, storage: StorageRegion, maxElements: Int) throws {
        var count = 1
        for dim in shape.dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard dim >= 0, !overflow else { throw FormatProblem.malformed("tensor shape \(shape) overflows") }
            count = product
        }
        guard count <= max(maxElements, 1) else {
            throw FormatProblem.malformed("tensor shape \(shape) has \(count) elements, more than the file's size allows")
        }
        self.shape = shape
        self.dtype = dtype
        self.strides = strides
        self.elementOffset = elementOffset
        self.storage = storage
    }

    /// Whether the elements are stored row-major with no gaps.
    public var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape.dims, strides).reversed() where size != 1 {
            guard stride == expected else { return false }
            expected *= size
        }
        return true
    }

    /// A contiguous row-major float32 copy; other element types are converted (int64 exactly up to 2^24).
    ///
    /// - Throws: never for a tensor that loaded; kept for API stability with lazily checked formats.
    public func floats() throws -> [Float] {
        let count = shape.elementCount
        if dtype == .float32, isContiguous, !storage.bigEndian {
            return storage.copyFloat32(from: elementOffset, count: count)
        }
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBufferPointer { out in
            var next = 0
            forEachElementOffset { out[next] = storage.float(at: $0, dtype: dtype); next += 1 }
        }
        return result
    }

    /// A contiguous row-major copy of an integer or bool tensor as Int64 (floats are truncated toward zero).
    public func int64s() throws -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(shape.elementCount)
        forEachElementOffset { result.append(storage.int64(at: $0, dtype: dtype)) }
        return result
    }

    /// Calls `body` with the storage element offset of every element, in row-major order.
    private func forEachElementOffset(_ body: (Int) -> Void) {
        let dims = shape.dims
        guard !dims.contains(0) else { return }
        guard let innerSize = dims.last, let innerStride = strides.last else {
            body(elementOffset)  // rank 0
            return
        }
        var index = [Int](repeating: 0, count: dims.count)
        var rowStart = elementOffset
        while true {
            var offset = rowStart
            for _ in 0..<innerSize {
                body(offset)
                offset += innerStride
            }
            // Advance the outer multi-index like an odometer.
            var axis = dims.count - 2
            while axis >= 0 {
                index[axis] += 1
                rowStart += strides[axis]
                if index[axis] < dims[axis] { break }
                rowStart -= strides[axis] * dims[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
