// Vision Transformer B/16, B/32, L/16, L/32 and H/14 as torchvision builds them.
//
// Paper: A. Dosovitskiy, L. Beyer, A. Kolesnikov, D. Weissenborn, X. Zhai, T. Unterthiner, M. Dehghani,
// M. Minderer, G. Heigold, S. Gelly, J. Uszkoreit, N. Houlsby, "An Image is Worth 16x16 Words: Transformers for
// Image Recognition at Scale", ICLR 2021, https://arxiv.org/abs/2010.11929.
// Upstream: pytorch/vision v0.14.1, torchvision/models/vision_transformer.py (VisionTransformer, Encoder,
// EncoderBlock, MLPBlock). NOTE: no representation layer (the published weights have none); layer norms with
// eps 1e-6; the position embedding is the file's, so the input size is the one it was trained at (224, or
// 384/512/518 for the SWAG end-to-end weights). Parameter names are torchvision's state_dict keys
// (`encoder.layers.encoder_layer_0.self_attention.in_proj_weight`).
import InferenceGraph
import TensorCore

// Layout letters: C channels, H/W spatial, T tokens, D hidden features. The image (3, S, S) becomes
// (T, D) tokens: one per patch, plus the class token in front.

/// torchvision's VisionTransformer.
public enum VisionTransformer {
    public enum Variant: String, Sendable, CaseIterable {
        case vit_b_16, vit_b_32, vit_l_16, vit_l_32, vit_h_14

        /// Patch size, layers, heads, hidden dim, MLP dim (torchvision's `_vision_transformer` arguments).
        var shape: (patch: Int, layers: Int, heads: Int, hidden: Int, mlp: Int) {
            switch self {
            case .vit_b_16: (16, 12, 12, 768, 3072)
            case .vit_b_32: (32, 12, 12, 768, 3072)
            case .vit_l_16: (16, 24, 16, 1024, 4096)
            case .vit_l_32: (32, 24, 16, 1024, 4096)
            case .vit_h_14: (14, 32, 16, 1280, 5120)
            }
        }
    }

    static let epsilon: Float = 1e-6

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights w: WeightSource, size: Int = 224) throws -> Graph {
        let (patch, layers, heads, d, mlp) = variant.shape
        let g = GraphBuilder()
        let image = g.input("image", channels: 3, height: size, width: size)
        // patches: (3, S, S) -> (D, S/p, S/p) -> (D, T-1) -> (T-1, D)
        let grid = size / patch, t = grid * grid + 1
        let patches = g.conv2d(
            image, weight: w.tensor("conv_proj.weight", [d, 3, patch, patch]), bias: w.tensor("conv_proj.bias", [d]),
            stride: patch, name: "conv_proj")
        let tokens = g.permute(g.reshape(patches, [d, grid * grid]), [1, 0], name: "patch_tokens")
        // the class token in front, the position embedding added: (T, D)
        let classToken = g.constant(Tensor(shape: [1, d], scalars: w.tensor("class_token", [1, 1, d]).scalars), name: "class_token")
        let position = g.constant(
            Tensor(shape: [t, d], scalars: w.tensor("encoder.pos_embedding", [1, t, d]).scalars), name: "encoder.pos_embedding")
        var x = g.add(g.concat([classToken, tokens], axis: 0), position, name: "encoder.embed")
        for i in 0..<layers {
            x = encoderBlock(g, x, w, "encoder.layers.encoder_layer_\(i)", features: d, heads: heads, mlp: mlp)
        }
        x = TransformerLayers.layerNorm(g, x, w, "encoder.ln", features: d, epsilon: epsilon)
        // the class token's features -> logits
        let features = g.reshape(g.slice(x, axis: 0, 0..<1), [d], name: "class_features")
        let classes = w.classCount(head: "heads.head.weight")
        g.output(TransformerLayers.linear(g, features, w, "heads.head", in: d, out: classes))
        try w.finish()
        return try g.build()
    }

    /// `EncoderBlock`: `x + attention(ln_1(x))`, then `x + mlp(ln_2(x))`.
    // (T, D) -> (T, D)
    static func encoderBlock(_ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, features d: Int, heads: Int, mlp: Int) -> ValueID {
        let attended = TransformerLayers.selfAttention(
            g, TransformerLayers.layerNorm(g, input, w, "\(p).ln_1", features: d, epsilon: epsilon), w, "\(p).self_attention",
            features: d, heads: heads)
        let x = g.add(attended, input, name: "\(p).add_1")
        let y = TransformerLayers.mlp(g, TransformerLayers.layerNorm(g, x, w, "\(p).ln_2", features: d, epsilon: epsilon), w, "\(p).mlp", features: d, hidden: mlp)
        return g.add(y, x, name: "\(p).add_2")
    }
}
