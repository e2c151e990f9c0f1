import Foundation

/// `--labels FILE`: a fine-tuned model's class names, one per output of its head.
///
/// Either one label per line (UTF-8; a trailing newline is allowed, blank lines are not) or a JSON
/// list of strings (`["cat", "dog"]`), as `json.dump(dataset.classes, f)` writes it. The file is
/// bounded before it is read, and every problem is one line naming the file.
public enum LabelsFile {
    /// More than this is not a label file.
    static let maximumBytes = 16 << 20
    static let maximumLabels = 1 << 20

    public static func read(_ path: String) throws(LabelsError) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else { throw .unreadable(path, "read failed") }
        guard data.count <= maximumBytes else { throw .malformed(path, "it is larger than \(maximumBytes >> 20) MiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw .malformed(path, "it is not UTF-8 text") }
        let labels = try text.trimmingCharacters(in: .whitespaces).hasPrefix("[") ? json(text, path) : lines(text, path)
        guard !labels.isEmpty, labels.count <= maximumLabels else { throw .malformed(path, "it holds \(labels.count) labels") }
        return labels
    }

    private static func json(_ text: String, _ path: String) throws(LabelsError) -> [String] {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] else {
            throw .malformed(path, "it starts with [ but is not a JSON list")
        }
        guard let labels = list as? [String] else { throw .malformed(path, "its JSON list holds something other than strings") }
        return labels
    }

    private static func lines(_ text: String, _ path: String) throws(LabelsError) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        if let blank = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw .malformed(path, "line \(blank + 1) is blank")
        }
        return lines
    }
}

/// Why a labels file cannot be used.
public enum LabelsError: UserFacingError {
    case unreadable(String, String)
    case malformed(String, String)

    public var message: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read the labels file \(path): \(reason)"
        case .malformed(let path, let reason): "the labels file \(path) is not usable: \(reason)"
        }
    }

    public var hint: String? { "give one label per line, or a JSON list of strings, in the order of the head's outputs" }
}
