// The transformer blocks torchvision's ViT builds from PyTorch modules, with their state_dict key layout:
// `nn.MultiheadAttention` (torch 1.13, torch/nn/functional.py multi_head_attention_forward) and `MLPBlock`
// (torchvision/models/vision_transformer.py v0.14.1, a torchvision.ops.MLP); and what Swin and MaxViT share with them:
// multi-head attention on a fused qkv projection, and the relative position bias gathered by
// `relative_position_index` (torchvision/models/swin_transformer.py and maxvit.py v0.14.1).
import InferenceGraph
import TensorCore

// Layout letters: T tokens, D features (hidden dim), H heads, d = D / H. Activations are (N, T, D) float32.

enum TransformerLayers {
    /// `nn.LayerNorm(D)` with the parameters `<p>.weight` and `<p>.bias`.
    // (..., D) -> (..., D)
    static func layerNorm(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, features: Int, epsilon: Float) -> ValueID {
        g.layerNorm(x, weight: w.tensor("\(p).weight", [features]), bias: w.tensor("\(p).bias", [features]), epsilon: epsilon, name: p)
    }

    /// `nn.Linear(in, out)` over the last axis with the parameters `<p>.weight` and `<p>.bias`.
    // (..., in) -> (..., out)
    static func linear(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in features: Int, out: Int) -> ValueID {
        g.linear(x, weight: w.tensor("\(p).weight", [out, features]), bias: w.tensor("\(p).bias", [out]), name: p)
    }

    /// `nn.MultiheadAttention(D, heads)(x, x, x)`: one projection to queries, keys and values
    /// (`<p>.in_proj_weight`, `[3D, D]`), `softmax(q kᵀ / sqrt(d)) v` per head, heads joined, `<p>.out_proj`.
    // (T, D) -> (T, D)
    static func selfAttention(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, features d: Int, heads: Int) -> ValueID {
        let qkv = g.linear(
            x, weight: w.tensor("\(p).in_proj_weight", [3 * d, d]), bias: w.tensor("\(p).in_proj_bias", [3 * d]), name: "\(p).in_proj")
        let joined = attention(g, qkv, heads: heads, p) { q, k in
            g.matmul(q, k, transposeB: true, scale: 1 / Float(d / heads).squareRoot(), name: "\(p).scores")
        }
        return linear(g, joined, w, "\(p).out_proj", in: d, out: d)
    }

    /// Multi-head attention on a fused `[q | k | v]` projection whose features are laid out `(3, heads, d)`, as
    /// in ViT, Swin and MaxViT: `softmax(scores(q, k)) v` per head, then the heads joined again.
    ///
    /// `scores` maps queries and keys, `(..., H, T, d)` each, to the attention logits `(..., H, T, T)`.
    // (..., T, 3D) -> (..., T, D), over any number of leading axes (Swin's windows, MaxViT's groups)
    static func attention(_ g: GraphBuilder, _ qkv: ValueID, heads: Int, _ p: String, scores: (ValueID, ValueID) -> ValueID) -> ValueID {
        let dims = g.shape(of: qkv).dims
        let lead = Array(dims.dropLast(2)), r = lead.count, t = dims[r], d = dims[r + 1] / 3, headDim = d / heads
        // (..., T, 3, H, d) -> (3, ..., H, T, d): queries, keys and values of every head
        let split = g.permute(g.reshape(qkv, Shape(lead + [t, 3, heads, headDim])), [r + 1] + Array(0..<r) + [r + 2, r, r + 3], name: "\(p).heads")
        let (q, k, v) = (0..<3).map { i in g.reshape(g.slice(split, axis: 0, i..<i + 1), Shape(lead + [heads, t, headDim])) }.triple
        let mixed = g.matmul(g.softmax(scores(q, k)), v, name: "\(p).mix")
        // (..., H, T, d) -> (..., T, H, d) -> (..., T, D)
        return g.reshape(g.permute(mixed, Array(0..<r) + [r + 1, r, r + 2]), Shape(lead + [t, d]))
    }

    /// torchvision's `relative_position_index` for a `size` x `size` window (Swin, MaxViT): for query `i` and key
    /// `j` (row-major positions in the window), the row of the `(2 size - 1)²`-row bias table that holds their offset.
    // -> (T * T), T = size²
    static func relativePositionIndex(size: Int) -> [Int] {
        let t = size * size
        return (0..<t * t).map { ij in
            let (i, j) = ij.quotientAndRemainder(dividingBy: t)
            let dh = i / size - j / size + size - 1, dw = i % size - j % size + size - 1
            return dh * (2 * size - 1) + dw
        }
    }

    /// The relative position bias of every head, `table[relative_position_index]` with the heads first, to add to
    /// every window's scores; it reads only weights, so it is gathered here, once, into a constant.
    // table ((2 size - 1)², H) -> (1, H, T, T)
    static func relativePositionBias(table: Tensor, size: Int) -> Tensor {
        let heads = table.shape[1], index = relativePositionIndex(size: size), tt = index.count
        var bias = [Float](repeating: 0, count: heads * tt)
        for h in 0..<heads {
            for ij in 0..<tt { bias[h * tt + ij] = table.scalars[index[ij] * heads + h] }
        }
        return Tensor(shape: [1, heads, size * size, size * size], scalars: bias)
    }

    /// ViT's `MLPBlock`: `Linear(D, mlp)` (`<p>.0`), exact GELU, `Linear(mlp, D)` (`<p>.3`); dropout is identity.
    // (T, D) -> (T, D)
    static func mlp(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, features d: Int, hidden: Int) -> ValueID {
        linear(g, g.gelu(linear(g, x, w, "\(p).0", in: d, out: hidden)), w, "\(p).3", in: hidden, out: d)
    }
}

extension Array {
    /// The first three elements as a tuple (queries, keys, values).
    var triple: (Element, Element, Element) { (self[0], self[1], self[2]) }
}
