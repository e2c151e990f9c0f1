import Foundation
import ImageNetModels
import ObjectStorage

/// Finds a model's weights file the way a torchvision user expects.
///
/// In order: the `--weights` path; `$BATCHVISION_HOME/weights/<file>`; torch's hub cache
/// (`$TORCH_HOME/hub/checkpoints/<file>`, default `~/.cache/torch/hub/checkpoints/<file>`), which people
/// who ran torchvision already have; a download from the catalog address (verified against the
/// SHA-256 digits the catalog knows, written atomically into `$BATCHVISION_HOME/weights`); else an
/// error that says how to get the file.
public struct WeightsResolver: Sendable {
    public var environment: [String: String]
    public var allowDownload: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, allowDownload: Bool = true) {
        self.environment = environment
        self.allowDownload = allowDownload
    }

    /// The folders searched for `fileName`, in order.
    public func searchFolders() -> [URL] {
        let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
        let batchVisionHome = environment["BATCHVISION_HOME"].map { URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".cache/batchvision")
        let torchHome = environment["TORCH_HOME"].map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".cache/torch")
        return [batchVisionHome.appendingPathComponent("weights"), torchHome.appendingPathComponent("hub/checkpoints")]
    }

    /// The weights file for `model`: `explicit` if given, else the first place that has it.
    public func resolve(_ model: ModelEntry, explicit: String?) throws -> URL {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else { throw WeightsError.unreadable(explicit) }
            return URL(fileURLWithPath: explicit)
        }
        let folders = searchFolders()
        for folder in folders {
            let candidate = folder.appendingPathComponent(model.weights.fileName)
            if FileManager.default.isReadableFile(atPath: candidate.path) { return candidate }
        }
        var downloadProblem: String?
        if allowDownload, let address = model.weights.url {
            do {
                return try download(address, expecting: model.weights, into: folders[0])
            } catch {
                downloadProblem = "\(error)"
            }
        }
        throw WeightsError.notFound(
            model: model.name, fileName: model.weights.fileName, url: model.weights.url, searched: folders,
            downloadProblem: downloadProblem)
    }

    /// Downloads `url` to a temporary name, checks its digest, then renames it into place.
    func download(_ address: String, expecting known: KnownWeights, into folder: URL) throws -> URL {
        do {
            try AtomicFile.makeFolder(folder.path)
        } catch {
            guard case .notWritable(_, let reason) = error else { throw error }
            throw WeightsError.unwritable(folder.path, reason)
        }
        let target = folder.appendingPathComponent(known.fileName)
        let partial = folder.appendingPathComponent(".\(known.fileName).\(getpid()).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let digest = try HTTPDownload.fetch(address, to: partial.path, maxBytes: Self.maxWeightsBytes, timeout: .seconds(1800))
        guard digest.hasPrefix(known.sha256) else { throw WeightsError.digestMismatch(address, digest) }
        // rename(2): atomic, and replaces a stale file (FileManager.replaceItemAt needs one to exist).
        guard rename(partial.path, target.path) == 0 else {
            throw WeightsError.unwritable(target.path, String(cString: strerror(errno)))
        }
        return target
    }

    /// The largest checkpoint the catalog knows (ResNet-152) is 241 MB; 4 GiB is room for any.
    static let maxWeightsBytes = 4 << 30
}

/// Why no weights file could be found.
public enum WeightsError: UserFacingError {
    case unreadable(String)
    case notFound(model: String, fileName: String, url: String?, searched: [URL], downloadProblem: String?)
    case digestMismatch(String, String)
    case unwritable(String, String)

    public var message: String {
        switch self {
        case .unreadable(let path): "cannot read weights file \(path)"
        case .notFound(let model, let file, _, let searched, let problem):
            "no weights for \(model): \(file) is not in " + searched.map(\.path).joined(separator: " or ")
                + (problem.map { ", and the download failed: \($0)" } ?? "")
        case .digestMismatch(let url, let digest): "download from \(url) has SHA-256 \(digest), not the published one"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .notFound(_, let file, let url?, let searched, _):
            "download \(url) into \(searched[0].path)/\(file), or pass --weights PATH (or --random-weights to benchmark)"
        case .notFound(_, let file, nil, let searched, _):
            "put \(file) into \(searched[0].path), or pass --weights PATH (`make demo` fetches EfficientNet-Lite0's)"
        default: nil
        }
    }
}
