import CDNNL

/// The weights, biases and batch-norm statistics of a model, in the layouts its primitives asked
/// for, shared by the plans of every batch size.
///
/// Weight layouts do not depend on the batch size in practice, so a second plan (a final partial
/// batch, a caller's odd size) finds its constants here instead of reordering and storing another
/// copy of every weight: ResNet-152's are 240 MB. A constant is known by the node it belongs to
/// and its place among that node's constants; a plan whose primitive wants another layout gets its
/// own entry beside the first.
final class ConstantStore {
    struct Key: Hashable {
        let node: Int
        let ordinal: Int
    }

    private var entries: [Key: [(md: dnnl_memory_desc_t, memory: dnnl_memory_t)]] = [:]
    private var memories: [dnnl_memory_t] = []
    private var buffers: [UnsafeMutableRawPointer] = []

    deinit { release() }

    /// Frees every constant; the model calls it before destroying its engine.
    func release() {
        for memory in memories { DNNL.memoryDestroy(memory) }
        for buffer in buffers { buffer.deallocate() }
        (entries, memories, buffers, bytes) = ([:], [], [], 0)
    }

    /// Bytes held, for logs.
    private(set) var bytes = 0

    /// The memory for `key` in layout `md`, made by `make` (which fills a buffer of `md`'s size) on first use.
    func constant(
        _ key: Key, md: dnnl_memory_desc_t, engine: dnnl_engine_t, make: (dnnl_memory_t) throws -> Void
    ) throws -> dnnl_memory_t {
        if let known = entries[key]?.first(where: { DNNL.equal($0.md, md) }) { return known.memory }
        let size = max(DNNL.size(of: md), 64)
        let buffer = Buffers.allocate(size)
        buffers.append(buffer)
        bytes += size
        let memory = try DNNL.memoryCreate(md, engine, buffer)
        memories.append(memory)
        try make(memory)
        entries[key, default: []].append((md, memory))
        return memory
    }
}
