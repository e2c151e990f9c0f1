/// One worker's share of a job: `--shard i/n` takes the i-th of n contiguous slices of the sorted inputs.
///
/// Contiguous slices keep each shard's rows sorted, so the union of all shards' part files, read in
/// name order, is the single-process output. `auto/n` takes `i` from the batch scheduler:
/// `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job) or `SLURM_ARRAY_TASK_ID` (Slurm array).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n` or `auto/n`.
    public init(parsing text: String, environment: [String: String]) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else { throw .malformed(text) }
        let i: Int
        if parts[0] == "auto" {
            guard let found = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"].lazy.compactMap({ environment[$0] }).first else {
                throw .noIndexInEnvironment
            }
            guard let value = Int(found) else { throw .malformed("\(found)/\(n)") }
            i = value
        } else {
            guard let value = Int(parts[0]) else { throw .malformed(text) }
            i = value
        }
        guard (0..<n).contains(i) else { throw .outOfRange(i, n) }
        self.init(index: i, count: n)
    }

    /// This shard's contiguous slice of `items`.
    public func select<T>(_ items: [T]) -> ArraySlice<T> {
        items[items.count * index / count..<items.count * (index + 1) / count]
    }

    /// "s1of3": names this shard's part files and manifest.
    public var tag: String { "s\(index)of\(count)" }

    public var description: String { "\(index)/\(count)" }
}

public enum ShardError: UserFacingError {
    case malformed(String)
    case noIndexInEnvironment
    case outOfRange(Int, Int)

    public var message: String {
        switch self {
        case .malformed(let text): "--shard takes i/n or auto/n (e.g. 0/4), got '\(text)'"
        case .noIndexInEnvironment: "--shard auto/n needs JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)"
        case .outOfRange(let i, let n): "shard index \(i) is outside 0..<\(n)"
        }
    }
}
