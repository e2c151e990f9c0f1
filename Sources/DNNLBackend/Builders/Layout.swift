import CDNNL
import InferenceGraph
import TensorCore

// Ops that move elements without computing: reshape, permute, slice, and constants. All of them work on
// plain row-major layouts; a reshape of a plain value that dies with it costs nothing.

extension PlanBuilder {
    /// `x.reshape(shape)` (and flatten): the value in plain row-major order, viewed with the new dims.
    // (N, ...) -> (N, ...')
    func addReshape(_ node: Node) throws {
        let x = node.inputs[0]
        try reinterpret(x, as: try plainMD(dims(ValueID(current)), slot(x).md.data_type))
    }

    /// `x.permute(order)`: one reorder from x, in whatever layout it has, into a view of the plain output
    /// whose axes are put back in x's order.
    // (N, d_0, ..., d_r) -> (N, d_order[0], ..., d_order[r])
    func addPermute(_ node: Node, _ order: [Int]) throws {
        let x = try slot(node.inputs[0])
        let dstMD = try plainMD(dims(ValueID(current)), x.md.data_type)
        let dst = try output(dstMD, inPlaceOf: nil)
        // output axis j is input axis order[j]: as a view in the input's axis order, axis j goes to order[j]
        let inInputOrder = try DNNL.permuteAxes(dstMD, [0] + order.map { $0 + 1 })
        try addReorder(from: x.memory, x.md, to: try view(dst, dstMD, as: inInputOrder), inInputOrder, label: node.name)
    }

    /// `x.narrow(axis, start, length)`: a reorder from a view of the part into a plain output.
    // (N, ..., A, ...) -> (N, ..., end - start, ...)
    func addSlice(_ node: Node, _ s: Slice) throws {
        let x = try plain(node.inputs[0])
        let outDims = dims(ValueID(current))
        var offsets = [Int](repeating: 0, count: outDims.count)
        offsets[s.axis + 1] = s.start
        let partMD = try DNNL.submemoryDesc(x.md, dims: outDims, offsets: offsets)
        let dstMD = try plainMD(outDims, x.md.data_type)
        let dst = try output(dstMD, inPlaceOf: nil)
        try addReorder(from: try view(x.memory, x.md, as: partMD), partMD, to: dst, dstMD, label: node.name)
    }

    /// A constant, stored once with the model's weights: as `(1, ...)` when only broadcasting adds and
    /// multiplies read it, else repeated for each of the batch's images.
    func addConstant(_ node: Node, _ tensor: Tensor) throws {
        let readers = graph.nodes.filter { $0.inputs.contains(ValueID(current)) }
        let broadcastOnly = readers.allSatisfy { ($0.op == .add || $0.op == .mul) && $0.inputs[0] != ValueID(current) }
        let copies = broadcastOnly ? 1 : n
        let dims = [copies] + tensor.shape.dims
        let scalars = copies == 1 ? tensor.scalars : Array([[Float]](repeating: tensor.scalars, count: copies).joined())
        let memory = try constant(scalars, dims: dims, tag: Self.plainTag(rank: dims.count))
        setOutput(Slot(md: try plainMD(dims, dnnl_f32), memory: memory, buffer: nil))
    }
}
