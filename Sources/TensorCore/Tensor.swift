/// A dense, row-major float32 tensor: the currency between weights, graph and backends.
///
/// Storage is a plain Swift array so that tensors are values; backends copy into their own
/// layouts once, at load time.
public struct Tensor: Sendable, Equatable {
    public var shape: Shape
    public var scalars: [Float]

    /// Creates a tensor; `scalars.count` must equal `shape.elementCount`.
    public init(shape: Shape, scalars: [Float]) {
        precondition(scalars.count == shape.elementCount, "tensor \(shape) needs \(shape.elementCount) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public init(zeros shape: Shape) {
        self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.elementCount))
    }
}
