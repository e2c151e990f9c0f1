import TensorCore

/// Why a checkpoint could not be read or does not fit a model.
public enum CheckpointError: UserFacingError, Equatable {
    /// The file could not be opened or mapped.
    case unreadable(file: String, reason: String)
    /// The content is none of the supported formats.
    case unrecognizedFormat(file: String)
    /// The file claims a format but its bytes contradict it (truncated, sizes past the end, ...).
    case malformed(file: String, format: CheckpointFormat, detail: String)
    /// Valid, but uses something this reader does not support.
    case unsupported(file: String, detail: String)
    /// The pickle names a global outside the allow-list; nothing from it was executed.
    case refusedGlobal(file: String, global: String)
    /// A zip record is compressed; torch writes them stored so they can be memory-mapped.
    case compressedEntry(file: String, entry: String)
    /// A `torch.jit.save` archive: code plus weights, not a state_dict.
    case torchScriptArchive(file: String)
    /// The state_dict does not fit the model: every problem at once.
    case mismatch(source: String, missing: [String], unexpected: [String], shapeMismatches: [String])

    public var message: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read checkpoint: \(reason)"
        case .unrecognizedFormat(let file): "\(file): not a PyTorch .pth (zip or legacy) or safetensors file"
        case .malformed(let file, let format, let detail): "\(file): invalid \(format.displayName) checkpoint: \(detail)"
        case .unsupported(let file, let detail): "\(file): \(detail)"
        case .refusedGlobal(let file, let global):
            "\(file): checkpoint refers to \(global), which a state_dict never needs; refusing to load it"
        case .compressedEntry(let file, let entry): "\(file): zip record \(entry) is compressed; torch.save stores records uncompressed"
        case .torchScriptArchive(let file): "\(file): weights file is a TorchScript archive (torch.jit.save), not a state_dict"
        case .mismatch(let source, let missing, let unexpected, let shapes):
            "\(source): state_dict does not match the model: " + [
                Self.summary(missing, "missing key", "missing keys"),
                Self.summary(unexpected, "unexpected key", "unexpected keys"),
                Self.summary(shapes, "shape mismatch", "shape mismatches"),
            ].compactMap { $0 }.joined(separator: "; ")
        }
    }

    public var hint: String? {
        switch self {
        case .unrecognizedFormat: "pass the state_dict .pth written by torch.save, or a .safetensors file"
        case .refusedGlobal: "load it in Python and re-save only the weights: torch.save(model.state_dict(), path)"
        case .compressedEntry: "re-save it with torch.save, or re-zip without compression (zip -0)"
        case .torchScriptArchive: "pass the state_dict .pth or a .safetensors"
        case .mismatch: "check that the weights belong to this architecture and variant"
        case .unreadable, .malformed, .unsupported: nil
        }
    }

    /// "3 missing keys (a, b, c)", truncated after 10 names; nil when there are none.
    private static func summary(_ items: [String], _ singular: String, _ plural: String) -> String? {
        guard !items.isEmpty else { return nil }
        let shown = items.prefix(10).joined(separator: ", ")
        let more = items.count > 10 ? ", … and \(items.count - 10) more" : ""
        return "\(items.count) \(items.count == 1 ? singular : plural) (\(shown)\(more))"
    }
}

extension CheckpointFormat {
    var displayName: String {
        switch self {
        case .torchLegacy: "PyTorch legacy"
        case .torchZip: "PyTorch zip"
        case .safetensors: "safetensors"
        }
    }
}
