import Foundation
import InferenceGraph
import TensorCore

// The ops of token sequences and attention, written as PyTorch defines them, over row-major batches.

extension ReferenceModel {
    /// `nn.LayerNorm` over the last axis, or over the channels of each pixel of `(C, H, W)` (ConvNeXt's
    /// `LayerNorm2d`); the biased variance, as PyTorch takes it.
    // (N, ..., D) -> (N, ..., D);  (N, C, H, W) -> (N, C, H, W)
    static func layerNorm(_ x: Batch, _ ln: LayerNorm) -> Batch {
        let (d, stride) = ln.axis == .last ? (x.shape.dims.last!, 1) : (x.shape[0], x.shape[1] * x.shape[2])
        let groupsPerImage = x.shape.elementCount / d
        var data = x.data
        for group in 0..<x.n * groupsPerImage {
            // element k of this group sits at base + k * stride
            let image = group / groupsPerImage, within = group % groupsPerImage
            let base = image * x.shape.elementCount + (stride == 1 ? within * d : within)
            var mean: Double = 0, squares: Double = 0
            for k in 0..<d { mean += Double(x.data[base + k * stride]) }
            mean /= Double(d)
            for k in 0..<d { let v = Double(x.data[base + k * stride]) - mean; squares += v * v }
            let inv = 1 / (squares / Double(d) + Double(ln.epsilon)).squareRoot()
            for k in 0..<d {
                let normalized = (Double(x.data[base + k * stride]) - mean) * inv
                data[base + k * stride] = Float(normalized) * ln.gamma.scalars[k] + ln.beta.scalars[k]
            }
        }
        return Batch(n: x.n, shape: x.shape, data: data)
    }

    /// `scale * (a @ b)` or `scale * (a @ bᵀ)`, for every matrix of the leading axes.
    // (N, ..., M, K) @ (N, ..., K, L) -> (N, ..., M, L)
    static func matmul(_ a: Batch, _ b: Batch, _ mm: MatMul, into out: Batch) -> Batch {
        let r = a.shape.rank
        let (m, k) = (a.shape[r - 2], a.shape[r - 1])
        let l = out.shape[r - 1]
        let matrices = a.n * a.shape.elementCount / (m * k)
        var data = [Float](repeating: 0, count: matrices * m * l)
        for t in 0..<matrices {
            let (aBase, bBase, oBase) = (t * m * k, t * k * l, t * m * l)
            for i in 0..<m {
                for j in 0..<l {
                    var sum: Float = 0
                    for p in 0..<k {
                        let bv = mm.transposeB ? b.data[bBase + j * k + p] : b.data[bBase + p * l + j]
                        sum += a.data[aBase + i * k + p] * bv
                    }
                    data[oBase + i * l + j] = sum * mm.scale
                }
            }
        }
        return Batch(n: a.n, shape: out.shape, data: data)
    }

    /// `softmax(x, dim=-1)`, with the maximum subtracted first as PyTorch does.
    // (N, ..., D) -> (N, ..., D)
    static func softmax(_ x: Batch) -> Batch {
        let d = x.shape.dims.last!
        var data = x.data
        for row in stride(from: 0, to: data.count, by: d) {
            let peak = data[row..<row + d].max()!
            var total: Float = 0
            for i in row..<row + d { data[i] = Foundation.exp(data[i] - peak); total += data[i] }
            for i in row..<row + d { data[i] /= total }
        }
        return Batch(n: x.n, shape: x.shape, data: data)
    }

    /// `F.normalize(x, dim=-1)`: `x / max(||x||, 1e-12)` for each row.
    // (N, ..., D) -> (N, ..., D)
    static func l2Normalize(_ x: Batch) -> Batch {
        let d = x.shape.dims.last!
        var data = x.data
        for row in stride(from: 0, to: data.count, by: d) {
            let norm = max(data[row..<row + d].reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for i in row..<row + d { data[i] /= norm }
        }
        return Batch(n: x.n, shape: x.shape, data: data)
    }

    /// `x.permute(0, order + 1)`: element at input index `(n, i_0, ..., i_r)` goes to `(n, i_order[0], ...)`.
    static func permute(_ x: Batch, _ order: [Int], into out: Batch) -> Batch {
        let inDims = x.shape.dims
        var inStrides = [Int](repeating: 1, count: inDims.count)
        for axis in inDims.indices.dropLast().reversed() { inStrides[axis] = inStrides[axis + 1] * inDims[axis + 1] }
        let outDims = out.shape.dims, strides = order.map { inStrides[$0] }
        var data = [Float](repeating: 0, count: x.data.count)
        let image = x.shape.elementCount
        let sources = offsets(dims: outDims, strides: strides)
        for n in 0..<x.n {
            for (o, source) in sources.enumerated() { data[n * image + o] = x.data[n * image + source] }
        }
        return Batch(n: x.n, shape: out.shape, data: data)
    }

    /// `x.narrow(axis + 1, start, end - start)`.
    static func slice(_ x: Batch, _ s: Slice, into out: Batch) -> Batch {
        let outer = x.n * x.shape.dims[..<s.axis].reduce(1, *)
        let inner = x.shape.dims[(s.axis + 1)...].reduce(1, *)
        let inBlock = x.shape[s.axis] * inner
        var data: [Float] = []
        data.reserveCapacity(outer * (s.end - s.start) * inner)
        for o in 0..<outer {
            data.append(contentsOf: x.data[o * inBlock + s.start * inner..<o * inBlock + s.end * inner])
        }
        return Batch(n: x.n, shape: out.shape, data: data)
    }
}
