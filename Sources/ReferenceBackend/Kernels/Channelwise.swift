import InferenceGraph

extension ReferenceModel {
    /// `(x - mean) / sqrt(var + eps) * gamma + beta` per channel.
    // (N, C, H, W) -> (N, C, H, W)
    static func batchNorm(_ x: Batch, _ bn: BatchNorm) -> Batch {
        let c = x.shape[0], plane = x.shape.elementCount / c
        var data = x.data
        for i in data.indices {
            let ch = i / plane % c
            let inv = 1 / (bn.variance.scalars[ch] + bn.epsilon).squareRoot()
            data[i] = (data[i] - bn.mean.scalars[ch]) * inv * bn.gamma.scalars[ch] + bn.beta.scalars[ch]
        }
        return Batch(n: x.n, shape: x.shape, data: data)
    }

    /// `y = x W^T + b`, `W` `[out, in]`, for every row of the last axis, then the post-ops.
    // (N, ..., F) -> (N, ..., O)
    static func fullyConnected(_ x: Batch, _ linear: Linear, residual: Batch?, into out: Batch) -> Batch {
        let (features, outputs) = (x.shape.dims.last!, out.shape.dims.last!)
        let rows = x.n * x.shape.elementCount / features
        var data = [Float](repeating: 0, count: rows * outputs)
        for n in 0..<rows {
            for o in 0..<outputs {
                var sum = linear.bias?.scalars[o] ?? 0
                for f in 0..<features { sum += x.data[n * features + f] * linear.weight.scalars[o * features + f] }
                data[n * outputs + o] = sum
            }
        }
        applying(linear.postOps, to: &data, residual: residual)
        return Batch(n: x.n, shape: out.shape, data: data)
    }
}
