/// `--labels-from-dirs`: each input's parent folder names its true class, as Ray's
/// `Partitioning("dir")` reads `train/n01440764/img.jpg`.
///
/// A folder matches a class by the model's label (`tench`, `Tench`, `golden_retriever` for
/// "golden retriever": case, `_` and `-` are ignored) or, for ImageNet's 1000 classes, by WordNet id
/// (`n01440764`). Where two classes share a name (ImageNet has two "crane"s), the name means the
/// first; the WordNet id is always exact.
public struct FolderLabels: Sendable {
    private let classNames: [String]
    private let index: [String: Int]

    public init(classNames: [String], wordNetIDs: [String]? = nil) {
        self.classNames = classNames
        var index: [String: Int] = [:]
        for (i, name) in classNames.enumerated() where index[Self.key(name)] == nil { index[Self.key(name)] = i }
        for (i, id) in (wordNetIDs ?? []).enumerated() { index[Self.key(id)] = i }
        self.index = index
    }

    /// The class `path`'s parent folder names, or nil when it names none (or the path has no folder).
    public func trueClass(of path: String) -> (label: String, index: Int)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, let i = index[Self.key(String(parts[parts.count - 2]))] else { return nil }
        return (classNames[i], i)
    }

    /// `row` with its true class filled in from its path.
    public func label(_ row: PredictionRow) -> PredictionRow {
        var row = row
        if let truth = trueClass(of: row.path) {
            row.trueLabel = truth.label
            row.trueIndex = Int32(truth.index)
        }
        return row
    }

    private static func key(_ name: String) -> String {
        String(name.lowercased().map { $0 == "_" || $0 == "-" ? " " : $0 })
    }
}
