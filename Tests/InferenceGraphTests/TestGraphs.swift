import InferenceGraph
import TensorCore

/// Deterministic pseudo-random tensors (SplitMix64), so a failing case reproduces.
struct SeededRandom {
    var state: UInt64

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24) * 2 - 1  // [-1, 1)
    }

    mutating func tensor(_ shape: Shape, scale: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in next() * scale })
    }

    /// Batch-norm parameters with positive variances.
    mutating func batchNorm(_ c: Int) -> (mean: Tensor, variance: Tensor, weight: Tensor, bias: Tensor) {
        let variance = Tensor(shape: [c], scalars: (0..<c).map { _ in 0.5 + abs(next()) })
        return (tensor([c], scale: 0.5), variance, tensor([c]), tensor([c], scale: 0.5))
    }
}
