import TensorCore

/// Why a graph could not be built, transformed or compiled.
public enum GraphError: UserFacingError, Equatable {
    /// An op got operands whose shapes it cannot take.
    case shapeMismatch(node: String, detail: String)
    /// A parameter tensor has the wrong shape.
    case badParameter(node: String, detail: String)
    /// The graph has no output, or more than one input.
    case malformed(String)
    /// A backend cannot run a node.
    case unsupported(node: String, backend: String, detail: String)
    /// A run got buffers of the wrong size.
    case badBuffer(String)
    /// Embeddings were asked of a graph whose output is not a linear head.
    case noHead(String)

    public var message: String {
        switch self {
        case .shapeMismatch(let node, let detail): "\(node): \(detail)"
        case .badParameter(let node, let detail): "\(node): bad parameter: \(detail)"
        case .malformed(let detail): "malformed graph: \(detail)"
        case .unsupported(let node, let backend, let detail): "\(backend) cannot run \(node): \(detail)"
        case .badBuffer(let detail): detail
        case .noHead(let detail): "cannot emit embeddings: \(detail)"
        }
    }

    public var hint: String? {
        switch self {
        case .unsupported: "run this graph with ReferenceBackend, or change the op's parameters"
        default: nil
        }
    }
}
