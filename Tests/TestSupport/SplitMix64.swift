import TensorCore

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator with the same sequence on every platform,
/// so a failing fuzz or random-tensor case reproduces from its seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }
    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Deterministic pseudo-random tensors for op and graph tests.
public struct SeededRandom {
    private var generator: SplitMix64

    public init(state: UInt64) { generator = SplitMix64(state: state) }

    /// Uniform in [-1, 1).
    public mutating func next() -> Float { Float(generator.next() >> 40) / Float(1 << 24) * 2 - 1 }

    public mutating func tensor(_ shape: Shape, scale: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in next() * scale })
    }

    /// Batch-norm parameters with positive variances.
    public mutating func batchNorm(_ c: Int) -> (mean: Tensor, variance: Tensor, weight: Tensor, bias: Tensor) {
        let variance = Tensor(shape: [c], scalars: (0..<c).map { _ in 0.5 + abs(next()) })
        return (tensor([c], scale: 0.5), variance, tensor([c]), tensor([c], scale: 0.5))
    }
}
