// The transformer blocks torchvision's ViT builds from PyTorch modules, with their state_dict key layout:
// `nn.MultiheadAttention` (torch 1.13, torch/nn/functional.py multi_head_attention_forward) and `MLPBlock`
// (torchvision/models/vision_transformer.py v0.14.1, a torchvision.ops.MLP).
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
        let t = g.shape(of: x)[0], headDim = d / heads
        let qkv = g.linear(
            x, weight: w.tensor("\(p).in_proj_weight", [3 * d, d]), bias: w.tensor("\(p).in_proj_bias", [3 * d]), name: "\(p).in_proj")
        // (T, 3D) -> (T, 3, H, d) -> (3, H, T, d): queries, keys and values of every head
        let split = g.permute(g.reshape(qkv, [t, 3, heads, headDim]), [1, 2, 0, 3], name: "\(p).heads")
        let (q, k, v) = (0..<3).map { i in g.reshape(g.slice(split, axis: 0, i..<i + 1), [heads, t, headDim]) }.triple
        let weights = g.softmax(g.matmul(q, k, transposeB: true, scale: 1 / Float(headDim).squareRoot(), name: "\(p).scores"))
        // (H, T, d) -> (T, H, d) -> (T, D)
        let joined = g.reshape(g.permute(g.matmul(weights, v, name: "\(p).mix"), [1, 0, 2]), [t, d])
        return linear(g, joined, w, "\(p).out_proj", in: d, out: d)
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
