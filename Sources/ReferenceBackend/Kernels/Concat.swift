import InferenceGraph

extension ReferenceModel {
    /// `torch.cat(parts, axis + 1)`: for each image and each index of the axes before `axis`, every part's
    /// block in turn.
    // (N, ..., A1, ...) ++ (N, ..., A2, ...) ++ ... -> (N, ..., A1 + A2 + ..., ...)
    static func concat(_ parts: [Batch], axis: Int, into out: Batch) -> Batch {
        let outer = out.n * out.shape.dims[..<axis].reduce(1, *)
        var data: [Float] = []
        data.reserveCapacity(out.n * out.shape.elementCount)
        for o in 0..<outer {
            for part in parts {
                let block = part.shape.dims[axis...].reduce(1, *)
                data.append(contentsOf: part.data[o * block..<(o + 1) * block])
            }
        }
        return Batch(n: out.n, shape: out.shape, data: data)
    }
}
