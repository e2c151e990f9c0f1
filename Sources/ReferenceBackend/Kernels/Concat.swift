import InferenceGraph

extension ReferenceModel {
    /// `torch.cat(parts, 1)`: for each image, every part's channels in turn.
    // (N, C1, H, W) ++ (N, C2, H, W) ++ ... -> (N, C1 + C2 + ..., H, W)
    static func concat(_ parts: [Batch], into out: Batch) -> Batch {
        var data: [Float] = []
        data.reserveCapacity(out.n * out.shape.elementCount)
        for n in 0..<out.n {
            for part in parts {
                let image = part.shape.elementCount
                data.append(contentsOf: part.data[n * image..<(n + 1) * image])
            }
        }
        return Batch(n: out.n, shape: out.shape, data: data)
    }
}
