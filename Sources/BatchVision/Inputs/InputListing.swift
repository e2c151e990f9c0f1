import Foundation

/// Expands command-line sources (files and folders) into a sorted list of image paths.
///
/// Folders are walked recursively and contribute the files whose extension Ray's `read_images`
/// accepts (plus WebP), case-insensitively; a file named explicitly is always taken, whatever its
/// name, because formats are detected by content. Symbolic links are followed, but a folder is
/// entered once only (by device and inode), so link loops cannot recurse forever. The result is
/// sorted by path bytes and de-duplicated, so reruns, shards and resumes see the same order.
public enum InputListing {
    /// Extensions taken from folders: Ray Data's `read_images` set, plus webp.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"]

    /// The sorted, de-duplicated image paths under `sources`.
    ///
    /// - Throws: ``InputError`` when a source does not exist or a folder cannot be read.
    public static func expand(_ sources: [String]) throws(InputError) -> [String] {
        var walker = FolderWalker()
        var paths: [String] = []
        for (source, listed) in try expandLists(sources) {
            switch fileKind(source) {
            case .file: paths.append(source)
            case .directory: try walker.walk(source, into: &paths)
            // A listed entry that is gone (or a URL) still gets its row, with the error the read gives.
            case .missing where listed: paths.append(source)
            case .missing: throw .notFound(source)
            }
        }
        return Array(Set(paths)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Replaces each `@list.txt` by its lines (one path per line; blank lines and `#` comments skipped).
    static func expandLists(_ sources: [String]) throws(InputError) -> [(String, listed: Bool)] {
        var expanded: [(String, listed: Bool)] = []
        for source in sources {
            guard source.hasPrefix("@") else {
                expanded.append((source, false))
                continue
            }
            let listPath = String(source.dropFirst())
            guard let text = try? String(contentsOfFile: listPath, encoding: .utf8) else { throw .unreadableList(listPath) }
            let base = URL(fileURLWithPath: listPath).deletingLastPathComponent()
            for line in text.split(whereSeparator: \.isNewline) {
                let entry = line.trimmingCharacters(in: .whitespaces)
                guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
                // Relative entries are relative to the list's folder, so a list travels with its images.
                let isAbsolute = entry.hasPrefix("/") || entry.contains("://")
                expanded.append((isAbsolute ? entry : base.appendingPathComponent(entry).path, true))
            }
        }
        return expanded
    }

    static func hasImageExtension(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return imageExtensions.contains(path[path.index(after: dot)...].lowercased())
    }
}

/// Why a source could not be listed.
public enum InputError: UserFacingError, Equatable {
    case notFound(String)
    case unreadableFolder(String, String)
    case emptySelection
    case unreadableList(String)

    public var message: String {
        switch self {
        case .notFound(let path): "no such file or folder: \(path)"
        case .unreadableFolder(let path, let reason): "cannot read folder \(path): \(reason)"
        case .emptySelection: "no images found in the given sources"
        case .unreadableList(let path): "cannot read the list file \(path)"
        }
    }

    public var hint: String? {
        switch self {
        case .emptySelection: "folders contribute files ending in " + InputListing.imageExtensions.sorted().joined(separator: ", ")
        default: nil
        }
    }
}

// MARK: - Walking folders

enum FileKind { case file, directory, missing }

/// The kind of `path` after following symbolic links.
func fileKind(_ path: String) -> FileKind {
    var info = stat()
    guard stat(path, &info) == 0 else { return .missing }
    return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
}

/// A recursive folder walk that enters every folder (by device and inode) at most once.
struct FolderWalker {
    private struct FolderID: Hashable { let device: UInt64, inode: UInt64 }
    private var visited: Set<FolderID> = []

    mutating func walk(_ folder: String, into paths: inout [String]) throws(InputError) {
        var info = stat()
        guard stat(folder, &info) == 0 else { throw .unreadableFolder(folder, String(cString: strerror(errno))) }
        guard visited.insert(FolderID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else { return }
        guard access(folder, R_OK | X_OK) == 0 else { throw .unreadableFolder(folder, String(cString: strerror(errno))) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw .unreadableFolder(folder, "it cannot be listed")
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for name in names where !name.hasPrefix(".") {
            let path = prefix + name
            switch fileKind(path) {
            case .directory: try walk(path, into: &paths)
            case .file where InputListing.hasImageExtension(name): paths.append(path)
            default: continue  // other files, and dangling links
            }
        }
    }
}
