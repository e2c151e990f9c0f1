import TensorCore

/// Why DNNLBackend could not compile or run a graph.
public enum DNNLError: UserFacingError {
    /// A oneDNN call returned a non-success status.
    case call(function: String, status: Int)
    /// oneDNN would run a convolution with its slow reference implementation.
    case referenceImplementation(node: String, implementation: String)
    /// int8 was asked for without scales, or with scales of another graph.
    case calibration(String)

    public var message: String {
        switch self {
        case .call(let function, let status): "\(function) failed with \(Self.statusName(status))"
        case .referenceImplementation(let node, let impl):
            "oneDNN picked its reference implementation '\(impl)' for \(node), about 3000x slower than JIT code"
        case .calibration(let detail): detail
        }
    }

    public var hint: String? {
        switch self {
        case .call(_, let status) where status == 3:
            "oneDNN has no implementation for these parameters on this CPU; run the graph with ReferenceBackend"
        case .call: nil
        case .calibration: "make one with `batchvision calibrate IMAGES --model M --weights W --output FILE`"
        case .referenceImplementation:
            "weights must use format_tag_any; set DNNLBackend.Options.referenceImplementations = .warn to run anyway"
        }
    }

    /// dnnl_status_t names (dnnl_types.h, v2.6).
    static func statusName(_ status: Int) -> String {
        let names = [0: "dnnl_success", 1: "dnnl_out_of_memory", 2: "dnnl_invalid_arguments", 3: "dnnl_unimplemented",
                     4: "dnnl_iterator_ends", 5: "dnnl_runtime_error", 6: "dnnl_not_required"]
        return names[status] ?? "status \(status)"
    }
}
