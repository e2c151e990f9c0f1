/// Test hooks: force a kernel variant so tests can compare SIMD against scalar.
extension Preprocessor {
    /// A copy of this preprocessor that runs `kernel` instead of the best one for the CPU.
    package func using(_ kernel: KernelVariant) -> Preprocessor {
        var copy = self
        copy.kernel = kernel
        return copy
    }
}
