import InferenceGraph

extension ReferenceModel {
    /// `a op b` with `b` broadcast onto `a`: each axis of `b` equal to `a`'s or 1 (the batch too, for a constant).
    // (N, d1, ..., dk) op (N | 1, d1 | 1, ..., dk | 1) -> (N, d1, ..., dk)
    static func broadcasting(_ a: Batch, _ b: Batch, _ f: (Float, Float) -> Float) -> Batch {
        let aDims = [a.n] + a.shape.dims, bDims = [b.n] + b.shape.dims
        // b's stride along each of a's axes: 0 where b has size 1
        var bStrides = [Int](repeating: 0, count: bDims.count)
        var stride = 1
        for axis in bDims.indices.reversed() {
            bStrides[axis] = bDims[axis] == 1 ? 0 : stride
            stride *= bDims[axis]
        }
        var data = a.data
        for (i, j) in offsets(dims: aDims, strides: bStrides).enumerated() { data[i] = f(data[i], b.data[j]) }
        return Batch(n: a.n, shape: a.shape, data: data)
    }

    /// For each index of `dims` in row-major order, `sum(index[axis] * strides[axis])`: where a strided view reads.
    static func offsets(dims: [Int], strides: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(dims.reduce(1, *))
        var index = [Int](repeating: 0, count: dims.count)
        for _ in 0..<dims.reduce(1, *) {
            result.append(zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 })
            var axis = dims.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < dims[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
