/// Bounds that keep a hostile checkpoint from exhausting memory or stack.
///
/// Real state_dicts sit far below each of these: resnet152's pickle has about 1,000 tensors,
/// nesting depth 4 and rank at most 4.
enum Limits {
    /// Deepest tuple/list/dict nesting the unpickler builds.
    static let maxNesting = 100
    /// Most values on the unpickler's stack at once.
    static let maxStackDepth = 1 << 20
    /// Most open MARKs at once.
    static let maxMarks = 1 << 16
    /// Most memo entries.
    static let maxMemo = 1 << 21
    /// Highest tensor rank accepted.
    static let maxRank = 32
    /// Longest GLOBAL module or name.
    static let maxGlobalName = 512
    /// Largest safetensors JSON header (the format's own reference limit is 100 MB).
    static let maxSafetensorsHeader = 100 << 20
}
