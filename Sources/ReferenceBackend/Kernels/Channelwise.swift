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

    /// `a * b`, where `b` is either `a`'s shape or `(C, 1, 1)` broadcast over each plane.
    // (N, C, H, W) x (N, C, 1, 1) -> (N, C, H, W)
    static func multiply(_ a: Batch, _ b: Batch) -> Batch {
        let plane = a.shape[1] * a.shape[2]
        let broadcast = b.shape.elementCount != a.shape.elementCount
        var data = a.data
        for i in data.indices { data[i] *= b.data[broadcast ? i / plane : i] }
        return Batch(n: a.n, shape: a.shape, data: data)
    }

    /// `y = x W^T + b`, `W` `[out, in]`.
    // (N, F) -> (N, O)
    static func fullyConnected(_ x: Batch, _ linear: Linear, into out: Batch) -> Batch {
        let (features, outputs) = (x.shape[0], out.shape[0])
        var data = [Float](repeating: 0, count: x.n * outputs)
        for n in 0..<x.n {
            for o in 0..<outputs {
                var sum = linear.bias?.scalars[o] ?? 0
                for f in 0..<features { sum += x.data[n * features + f] * linear.weight.scalars[o * features + f] }
                data[n * outputs + o] = sum
            }
        }
        return Batch(n: x.n, shape: out.shape, data: data)
    }
}
