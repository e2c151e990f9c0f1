/// A restricted unpickler: it reads the pickles `torch.save` writes and never executes anything.
///
/// Where CPython's `pickle.Unpickler` imports any global and calls it, this one resolves globals
/// through ``TorchGlobal`` (an allow-list of what a state_dict needs) and interprets the few
/// allowed callables itself. Every size comes from the file and is checked against what is left
/// of it before allocating; stack, memo and nesting are bounded by ``Limits``.
///
/// Opcode semantics follow CPython's `Lib/pickle.py` (`load_*` methods).
struct Unpickler {
    /// Turns a persistent id (`BINPERSID`) into a storage; torch's `persistent_load`.
    typealias PersistentLoader = (PickleTuple) throws -> StorageReference

    private var reader: ByteReader
    private var stack: [PickleValue] = []
    /// Stack heights at each open MARK (CPython's `metastack`).
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let persistentLoad: PersistentLoader?
    /// The lists and dicts the result refers to.
    var arena = PickleArena()

    /// Prepares to read one pickle starting at `start` in `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, end: Int? = nil, persistentLoad: PersistentLoader? = nil) {
        self.reader = ByteReader(bytes, from: start, end: end, context: "pickle")
        self.persistentLoad = persistentLoad
    }

    /// The offset just past the last opcode read (after `load()`, just past STOP).
    var position: Int { reader.position }

    /// Reads opcodes until STOP and returns the value left on the stack.
    ///
    /// - Throws: `FormatProblem` for truncation, unknown opcodes, refused globals and exceeded limits.
    mutating func load() throws -> PickleValue {
        while true {
            let byte = try reader.readByte()
            guard let opcode = PickleOpcode(rawValue: byte) else {
                throw FormatProblem.unsupported("pickle opcode 0x\(String(byte, radix: 16)) at offset \(reader.position - 1) is not one torch.save writes")
            }
            if opcode == .stop { return try pop() }
            try execute(opcode)
        }
    }

    // MARK: - Dispatch

    private mutating func execute(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .proto:
            let version = try reader.readByte()
            guard version <= 5 else { throw FormatProblem.unsupported("pickle protocol \(version) is newer than 5") }
        case .frame: _ = try reader.read(UInt64.self)  // framing only groups opcodes; nothing to do
        case .stop: break
        case .mark: try pushMark()
        case .pop: try popOne()
        case .popMark: _ = try popMark()
        case .dup: try push(try top())
        case .none: try push(.none)
        case .newTrue: try push(.bool(true))
        case .newFalse: try push(.bool(false))
        case .binInt: try push(.int(Int(try reader.read(Int32.self))))
        case .binInt1: try push(.int(Int(try reader.readByte())))
        case .binInt2: try push(.int(Int(try reader.read(UInt16.self))))
        case .long1: try push(try readLong(byteCount: Int(try reader.readByte())))
        case .long4: try push(try readLong(byteCount: Int(try reader.read(Int32.self))))
        case .binFloat: try push(.float(Double(bitPattern: UInt64(bigEndian: try reader.read(UInt64.self)))))
        case .binUnicode, .binString: try push(.string(try reader.readString(try length(UInt32.self))))
        case .shortBinUnicode, .shortBinString: try push(.string(try reader.readString(try length(UInt8.self))))
        case .binUnicode8: try push(.string(try reader.readString(try length(UInt64.self))))
        case .binBytes: try push(.bytes(try reader.readBytes(try length(UInt32.self))))
        case .shortBinBytes: try push(.bytes(try reader.readBytes(try length(UInt8.self))))
        case .binBytes8: try push(.bytes(try reader.readBytes(try length(UInt64.self))))
        case .emptyTuple: try push(.tuple(PickleTuple(items: [], depth: 1)))
        case .tuple: try push(try makeTuple(try popMark()))
        case .tuple1: try push(try makeTuple(try pop(1)))
        case .tuple2: try push(try makeTuple(try pop(2)))
        case .tuple3: try push(try makeTuple(try pop(3)))
        case .emptyList: try push(newList([]))
        case .list: try push(try newList(from: try popMark()))
        case .emptyDict: try push(newDict())
        case .dict: try push(try newDict(pairs: try popMark()))
        case .append: try append([try pop()])
        case .appends: try append(try popMark())
        case .setItem: try setItems(try pop(2))
        case .setItems: try setItems(try popMark())
        case .binPut: try put(Int(try reader.readByte()))
        case .longBinPut: try put(Int(try reader.read(UInt32.self)))
        case .memoize: try put(memo.count)
        case .binGet: try push(try get(Int(try reader.readByte())))
        case .longBinGet: try push(try get(Int(try reader.read(UInt32.self))))
        case .global: try push(.global(try readGlobal()))
        case .stackGlobal: try push(.global(try stackGlobal()))
        case .reduce: try reduce()
        case .build: try build()
        case .binPersId: try push(try loadPersistent())
        }
    }

    // MARK: - Stack, marks and memo

    private mutating func push(_ value: PickleValue) throws {
        guard stack.count < Limits.maxStackDepth else { throw FormatProblem.malformed("pickle stack exceeds \(Limits.maxStackDepth) values") }
        stack.append(value)
    }

    private mutating func pop() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else {
            throw FormatProblem.malformed("pickle pops from an empty stack at offset \(reader.position - 1)")
        }
        return value
    }

    /// Pops the top `count` values, returned bottom first.
    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count - (marks.last ?? 0) >= count else {
            throw FormatProblem.malformed("pickle needs \(count) values on the stack at offset \(reader.position - 1)")
        }
        defer { stack.removeLast(count) }
        return Array(stack[(stack.count - count)...])
    }

    /// CPython's `load_pop`: drops the top value, or the innermost mark when nothing is above it.
    private mutating func popOne() throws {
        if let mark = marks.last, mark == stack.count { marks.removeLast() } else { _ = try pop() }
    }

    private func top() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.last else {
            throw FormatProblem.malformed("pickle reads an empty stack at offset \(reader.position - 1)")
        }
        return value
    }

    private mutating func pushMark() throws {
        guard marks.count < Limits.maxMarks else { throw FormatProblem.malformed("pickle opens more than \(Limits.maxMarks) marks") }
        marks.append(stack.count)
    }

    /// Pops everything above the innermost mark, and the mark.
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw FormatProblem.malformed("pickle has no MARK to pop at offset \(reader.position - 1)") }
        defer { stack.removeLast(stack.count - mark) }
        return Array(stack[mark...])
    }

    private mutating func put(_ index: Int) throws {
        guard memo.count < Limits.maxMemo || memo[index] != nil else {
            throw FormatProblem.malformed("pickle memo exceeds \(Limits.maxMemo) entries")
        }
        memo[index] = try top()
    }

    private func get(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw FormatProblem.malformed("pickle refers to memo entry \(index), which was never stored") }
        return value
    }

    // MARK: - Scalars

    /// Reads a length prefix of type `T`, which must fit in what is left of the pickle.
    private mutating func length<T: FixedWidthInteger>(_: T.Type) throws -> Int {
        let raw = try reader.read(T.self)
        guard raw >= 0, UInt64(raw) <= UInt64(reader.remaining) else {
            throw FormatProblem.malformed("pickle declares a \(raw)-byte value with \(reader.remaining) bytes left")
        }
        return Int(raw)
    }

    /// `LONG1`/`LONG4`: a little-endian two's-complement integer of `byteCount` bytes.
    private mutating func readLong(byteCount: Int) throws -> PickleValue {
        guard byteCount >= 0 else { throw FormatProblem.malformed("pickle declares a negative LONG size") }
        let bytes = try reader.readBytes(byteCount)
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        guard let last = bytes.last else { return .int(0) }
        var value: UInt64 = last >= 0x80 ? ~0 : 0  // sign-extend
        for (i, byte) in bytes.enumerated() {
            value &= ~(UInt64(0xFF) << (8 * i))
            value |= UInt64(byte) << (8 * i)
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    // MARK: - Containers

    private func makeTuple(_ items: [PickleValue]) throws -> PickleValue {
        .tuple(PickleTuple(items: items, depth: try nestedDepth(of: items)))
    }

    /// One more than the deepest item, checked against ``Limits/maxNesting``.
    private func nestedDepth(of items: [PickleValue]) throws -> Int {
        let depth = 1 + items.reduce(0) { max($0, $1.depth(in: arena)) }
        guard depth <= Limits.maxNesting else { throw FormatProblem.malformed("pickle nests containers deeper than \(Limits.maxNesting)") }
        return depth
    }

    private mutating func newList(_ items: [PickleValue]) -> PickleValue {
        arena.lists.append(PickleArena.List(items: items))
        return .list(arena.lists.count - 1)
    }

    private mutating func newList(from items: [PickleValue]) throws -> PickleValue {
        let list = newList(items)
        if case .list(let id) = list { arena.lists[id].depth = try nestedDepth(of: items) }
        return list
    }

    mutating func newDict() -> PickleValue {
        arena.dicts.append(PickleArena.Dict())
        return .dict(arena.dicts.count - 1)
    }

    private mutating func newDict(pairs: [PickleValue]) throws -> PickleValue {
        let dict = newDict()
        try setItems(pairs, into: dict)
        return dict
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .list(let id) = try top() else { throw FormatProblem.malformed("pickle appends to a \(try top().kindName), not a list") }
        let depth = max(arena.lists[id].depth, try nestedDepth(of: items))
        arena.lists[id].items.append(contentsOf: items)
        arena.lists[id].depth = depth
    }

    private mutating func setItems(_ pairs: [PickleValue]) throws {
        try setItems(pairs, into: try top())
    }

    private mutating func setItems(_ pairs: [PickleValue], into target: PickleValue) throws {
        guard case .dict(let id) = target else { throw FormatProblem.malformed("pickle sets items on a \(target.kindName), not a dict") }
        guard pairs.count % 2 == 0 else { throw FormatProblem.malformed("pickle SETITEMS has an odd number of values") }
        let depth = max(arena.dicts[id].depth, try nestedDepth(of: pairs))
        for i in stride(from: 0, to: pairs.count, by: 2) { arena.dicts[id].set(pairs[i], pairs[i + 1]) }
        arena.dicts[id].depth = depth
    }

    // MARK: - Globals, calls and persistent ids

    private mutating func readGlobal() throws -> TorchGlobal {
        let module = try reader.readLine(limit: Limits.maxGlobalName)
        let name = try reader.readLine(limit: Limits.maxGlobalName)
        return try TorchGlobal(module: module, name: name)
    }

    private mutating func stackGlobal() throws -> TorchGlobal {
        let pair = try pop(2)
        guard case .string(let module) = pair[0], case .string(let name) = pair[1] else {
            throw FormatProblem.malformed("pickle STACK_GLOBAL needs two strings")
        }
        return try TorchGlobal(module: module, name: name)
    }

    private mutating func reduce() throws {
        let arguments = try pop()
        let callable = try pop()
        guard case .tuple(let tuple) = arguments else { throw FormatProblem.malformed("pickle REDUCE arguments are a \(arguments.kindName), not a tuple") }
        try push(try call(callable, tuple))
    }

    /// `BUILD` sets state on the object below it; torch only does that to an `OrderedDict`
    /// (its `_metadata` attribute) or a tensor, neither of which needs the state here.
    private mutating func build() throws {
        let state = try pop()
        switch try top() {
        case .dict, .tensor: _ = state
        case let other: throw FormatProblem.malformed("pickle BUILD on a \(other.kindName), which a state_dict never has")
        }
    }

    private mutating func loadPersistent() throws -> PickleValue {
        let id = try pop()
        guard let persistentLoad else { throw FormatProblem.malformed("pickle refers to a storage where none can be") }
        guard case .tuple(let tuple) = id else { throw FormatProblem.malformed("persistent id is a \(id.kindName), not a tuple") }
        return .storage(try persistentLoad(tuple))
    }
}
