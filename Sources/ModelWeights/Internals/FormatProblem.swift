/// What is wrong inside a checkpoint, before the file name is known to the thrower.
///
/// Readers throw this; `Checkpoint.load` turns it into a ``CheckpointError`` naming the file,
/// so that no parser needs to carry the name around.
struct FormatProblem: Error {
    enum Kind {
        /// The bytes contradict the format (truncation, bad offsets, impossible sizes).
        case malformed
        /// Well-formed, but uses something this reader deliberately does not support.
        case unsupported
        /// The pickle names a global a state_dict never needs.
        case refusedGlobal(String)
        /// A zip entry is deflated; torch always stores entries.
        case compressedEntry(String)
        /// A TorchScript archive (`torch.jit.save`), not a state_dict.
        case torchScript
    }

    let kind: Kind
    let detail: String

    static func malformed(_ detail: String) -> FormatProblem { FormatProblem(kind: .malformed, detail: detail) }
    static func unsupported(_ detail: String) -> FormatProblem { FormatProblem(kind: .unsupported, detail: detail) }
}
