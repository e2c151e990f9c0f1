/// The dimensions of a dense tensor, outermost first (`[N, C, H, W]` for NCHW).
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dims: [Int]

    public init(_ dims: [Int]) { self.dims = dims }
    public init(arrayLiteral dims: Int...) { self.dims = dims }

    public var rank: Int { dims.count }

    /// The number of elements; 1 for a scalar (rank 0).
    public var elementCount: Int { dims.reduce(1, *) }

    public subscript(axis: Int) -> Int { dims[axis] }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
