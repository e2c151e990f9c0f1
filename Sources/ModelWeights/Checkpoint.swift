import Crypto
import Foundation

/// Loads weight files into a ``StateDict``, recognising the format by content.
///
/// ```
/// bytes ──detect──► torchZip    ─► ZipArchive ─► Unpickler(data.pkl) ─┐
///                   torchLegacy ─► Unpickler × 5, storage records    ─┼─► StateDictAssembly ─► StateDict
///                   safetensors ─► JSONParser(header)                ─┘
/// ```
/// Nothing in a file is executed: pickles go through a restricted unpickler that accepts only
/// the globals a state_dict needs.
public enum Checkpoint {
    /// Loads the checkpoint at `url`, memory-mapping it so tensor bytes are read once, on demand.
    ///
    /// - Throws: ``CheckpointError`` naming the file and what is wrong with it.
    public static func load(contentsOf url: URL) throws -> StateDict {
        let file: FileBytes
        do { file = try FileBytes.mapping(path: url.path) } catch let problem as FileSystemProblem {
            throw CheckpointError.unreadable(file: url.path, reason: problem.reason)
        }
        return try load(file, name: url.path)
    }

    /// Loads a checkpoint held in memory; `name` labels errors.
    public static func load(bytes: [UInt8], name: String) throws -> StateDict {
        try load(FileBytes.copying(bytes), name: name)
    }

    /// The SHA-256 of the file as lowercase hex, read in 1 MiB chunks.
    public static func sha256(contentsOf url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CheckpointError.unreadable(file: url.path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw CheckpointError.unreadable(file: url.path, reason: "read failed")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Dispatch

    private static func load(_ file: FileBytes, name: String) throws -> StateDict {
        guard let format = CheckpointFormat.detect(file.buffer) else {
            if CheckpointFormat.isLegacyTar(file.buffer) {
                throw CheckpointError.unsupported(file: name, detail: "checkpoint is in the tar format of torch < 0.4; re-save it with a newer torch")
            }
            throw CheckpointError.unrecognizedFormat(file: name)
        }
        do {
            let entries = switch format {
            case .torchLegacy: try TorchLegacyReader.read(file)
            case .torchZip: try TorchZipReader.read(file)
            case .safetensors: try SafetensorsReader.read(file)
            }
            return StateDict(format: format, source: name, entries: entries)
        } catch let problem as FormatProblem {
            throw CheckpointError(problem, file: name, format: format)
        }
    }
}

extension CheckpointError {
    /// Names the file in a reader's problem.
    init(_ problem: FormatProblem, file: String, format: CheckpointFormat) {
        switch problem.kind {
        case .malformed: self = .malformed(file: file, format: format, detail: problem.detail)
        case .unsupported: self = .unsupported(file: file, detail: problem.detail)
        case .refusedGlobal(let global): self = .refusedGlobal(file: file, global: global)
        case .compressedEntry(let entry): self = .compressedEntry(file: file, entry: entry)
        case .torchScript: self = .torchScriptArchive(file: file)
        }
    }
}
