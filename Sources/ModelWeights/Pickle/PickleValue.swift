import TensorCore

/// A value on the unpickler's stack.
///
/// Lists and dicts are mutable and may be shared through the memo (even with themselves), so
/// they live in an arena owned by the ``Unpickler`` and are referred to by index. That keeps
/// cycles harmless and means no value is ever freed by deep recursion. Tuples are immutable and
/// built bottom-up, so they carry their nesting depth, which bounds it.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`: little-endian two's complement, as `LONG1` stores it.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(Int)
    case dict(Int)
    case global(TorchGlobal)
    case storage(StorageReference)
    case tensor(TensorRecord)

    /// How deeply containers nest under this value; scalars are 0.
    func depth(in arena: PickleArena) -> Int {
        switch self {
        case .tuple(let tuple): tuple.depth
        case .list(let id): arena.lists[id].depth
        case .dict(let id): arena.dicts[id].depth
        default: 0
        }
    }

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let global): global.qualifiedName
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// An immutable tuple with its nesting depth.
struct PickleTuple {
    let items: [PickleValue]
    let depth: Int
}

/// The lists and dicts built while unpickling, addressed by index.
struct PickleArena {
    struct List {
        var items: [PickleValue] = []
        var depth = 1
    }

    /// An insertion-ordered dict; keys that are strings or ints are deduplicated as Python would.
    struct Dict {
        var entries: [(key: PickleValue, value: PickleValue)] = []
        var index: [DictKey: Int] = [:]
        var depth = 1

        mutating func set(_ key: PickleValue, _ value: PickleValue) {
            let hashable: DictKey? = switch key {
            case .string(let s): .string(s)
            case .int(let i): .int(i)
            default: nil
            }
            if let hashable, let existing = index[hashable] {
                entries[existing].value = value
                return
            }
            if let hashable { index[hashable] = entries.count }
            entries.append((key, value))
        }

        subscript(key: String) -> PickleValue? {
            index[.string(key)].map { entries[$0].value }
        }
    }

    enum DictKey: Hashable {
        case string(String)
        case int(Int)
    }

    var lists: [List] = []
    var dicts: [Dict] = []
}

/// A storage named by a persistent id: which bytes, and which element type they hold.
struct StorageReference {
    /// The storage's key in the file: the zip record `data/<key>`, or the legacy key list entry.
    let key: String
    let dtype: DType
    /// Elements in the whole root storage, as the file declares it.
    let rootElementCount: Int
    /// Offset of this (view of the) storage within the root storage, in elements.
    let elementOffset: Int
    /// Elements in this (view of the) storage.
    let elementCount: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
struct TensorRecord {
    let storage: StorageReference
    /// Offset into `storage`, in elements.
    let storageOffset: Int
    let sizes: [Int]
    let strides: [Int]
}
