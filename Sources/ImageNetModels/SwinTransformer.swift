// Swin Transformer T/S/B and Swin Transformer V2 T/S/B as torchvision builds them.
//
// Papers: Z. Liu, Y. Lin, Y. Cao, H. Hu, Y. Wei, Z. Zhang, S. Lin, B. Guo, "Swin Transformer: Hierarchical Vision
// Transformer using Shifted Windows", ICCV 2021, https://arxiv.org/abs/2103.14030; Z. Liu, H. Hu, Y. Lin, Z. Yao,
// Z. Xie, J. Ning, Y. Cao, Z. Zhang, L. Dong, F. Wei, B. Guo, "Swin Transformer V2: Scaling Up Capacity and
// Resolution", CVPR 2022, https://arxiv.org/abs/2111.09883.
// Upstream: pytorch/vision v0.14.1, torchvision/models/swin_transformer.py (SwinTransformer, SwinTransformerBlock
// and V2, shifted_window_attention, ShiftedWindowAttention and V2, PatchMerging and V2, _patch_merging_pad).
// NOTE: what depends on weights only is computed here, once, into constants: the relative position bias (V1: the
// table gathered by relative_position_index; V2: `cpb_mlp` on the log-spaced offsets, then 16 sigmoid), added
// together with the shifted windows' -100 mask; and V2's per-head clamp(logit_scale, max=log 100).exp(). The
// buffers `relative_position_index` and `relative_coords_table` are functions of the window size, computed as
// torchvision computes them, so the file's copies are not read. Stochastic depth and dropout are identity.
// Parameter names are torchvision's state_dict keys (`features.1.0.attn.qkv.weight`, `features.2.reduction.weight`).
import Foundation
import InferenceGraph
import TensorCore

// Layout letters: C channels, H/W the token grid, T = window² tokens of a window, nW windows, d = C / heads.
// After the patch embedding the image is a channels-last grid, (H, W, C) per image, as in torchvision.

/// torchvision's SwinTransformer.
public enum SwinTransformer {
    public enum Variant: String, Sendable, CaseIterable {
        case swin_t, swin_s, swin_b, swin_v2_t, swin_v2_s, swin_v2_b

        /// Embedding dim, blocks and heads per stage, window size (`_swin_transformer`'s arguments).
        var shape: (channels: Int, depths: [Int], heads: [Int], window: Int) {
            switch self {
            case .swin_t: (96, [2, 2, 6, 2], [3, 6, 12, 24], 7)
            case .swin_s: (96, [2, 2, 18, 2], [3, 6, 12, 24], 7)
            case .swin_b: (128, [2, 2, 18, 2], [4, 8, 16, 32], 7)
            case .swin_v2_t: (96, [2, 2, 6, 2], [3, 6, 12, 24], 8)
            case .swin_v2_s: (96, [2, 2, 18, 2], [3, 6, 12, 24], 8)
            case .swin_v2_b: (128, [2, 2, 18, 2], [4, 8, 16, 32], 8)
            }
        }

        /// Swin V2: post-norm blocks, cosine attention, continuous position bias, patch merging that normalizes last.
        var isV2: Bool { [.swin_v2_t, .swin_v2_s, .swin_v2_b].contains(self) }
    }

    /// One stage's blocks: what `shifted_window_attention` is called with.
    struct Stage {
        var v2: Bool
        var channels: Int, heads: Int, window: Int
    }

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head.
    public static func graph(_ variant: Variant, weights w: WeightSource, size: Int = 224) throws -> Graph {
        let (c0, depths, heads, window) = variant.shape
        let g = GraphBuilder()
        let image = g.input("image", channels: 3, height: size, width: size)
        // patch embedding: 4x4/4 conv, channels last, LayerNorm: (3, S, S) -> (S/4, S/4, C)
        let patches = g.conv2d(
            image, weight: w.tensor("features.0.0.weight", [c0, 3, 4, 4]), bias: w.tensor("features.0.0.bias", [c0]),
            stride: 4, name: "features.0.0")
        var x = layerNorm(g, g.permute(patches, [1, 2, 0], name: "features.0.1"), w, "features.0.2", features: c0)
        for i in depths.indices {
            let stage = Stage(v2: variant.isV2, channels: c0 << i, heads: heads[i], window: window)
            for j in 0..<depths[i] { x = block(g, x, w, "features.\(2 * i + 1).\(j)", stage, shifted: j % 2 == 1) }
            if i + 1 < depths.count {
                x = patchMerging(g, x, w, "features.\(2 * i + 2)", v2: variant.isV2, channels: stage.channels)
            }
        }
        // head: LayerNorm, channels first again, average pool, linear
        let c = c0 << (depths.count - 1)
        x = g.permute(layerNorm(g, x, w, "norm", features: c), [2, 0, 1], name: "permute")
        g.output(TorchvisionLayers.poolAndLinear(g, x, w, "head", features: c))
        try w.finish()
        return try g.build()
    }

    /// `SwinTransformerBlock`: `x + attn(norm1(x))`, then `x + mlp(norm2(x))`; V2 normalizes after instead of
    /// before: `x + norm1(attn(x))`, then `x + norm2(mlp(x))`.
    // (H, W, C) -> (H, W, C)
    static func block(
        _ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, shifted: Bool
    ) -> ValueID {
        let c = stage.channels
        func norm(_ x: ValueID, _ name: String) -> ValueID { layerNorm(g, x, w, "\(p).\(name)", features: c) }
        func attention(_ x: ValueID) -> ValueID {
            shiftedWindowAttention(g, x, w, "\(p).attn", stage, shifted: shifted)
        }
        func mlp(_ x: ValueID) -> ValueID { TransformerLayers.mlp(g, x, w, "\(p).mlp", features: c, hidden: 4 * c) }
        let x = g.add(
            input, stage.v2 ? norm(attention(input), "norm1") : attention(norm(input, "norm1")), name: "\(p).add_1")
        return g.add(x, stage.v2 ? norm(mlp(x), "norm2") : mlp(norm(x, "norm2")), name: "\(p).add_2")
    }

    /// `shifted_window_attention`: the grid padded to whole windows, rolled up and left by half a window in the
    /// odd blocks, split into windows; multi-head attention inside each window with the relative position bias (and
    /// the mask that keeps rolled-in regions apart); the windows joined, rolled back, the padding cut off.
    // (H, W, C) -> (H, W, C)
    static func shiftedWindowAttention(
        _ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, shifted: Bool
    ) -> ValueID {
        let (h, wd, c, win) = (g.shape(of: input)[0], g.shape(of: input)[1], stage.channels, stage.window)
        var x = pad(g, input, toMultipleOf: win, name: "\(p).pad")
        let (ph, pw) = (g.shape(of: x)[0], g.shape(of: x)[1])
        // no shift along an axis the window covers whole
        let shift = (shifted && win < ph ? win / 2 : 0, shifted && win < pw ? win / 2 : 0)
        x = roll(g, roll(g, x, axis: 0, by: -shift.0), axis: 1, by: -shift.1)
        // windows: (pH, pW, C) -> (pH/w, w, pW/w, w, C) -> (pH/w, pW/w, w, w, C) -> (nW, T, C)
        let nW = (ph / win) * (pw / win), t = win * win
        x = g.reshape(
            g.permute(g.reshape(x, [ph / win, win, pw / win, win, c]), [0, 2, 1, 3, 4], name: "\(p).partition"),
            [nW, t, c])
        x = windowAttention(g, x, w, p, stage, grid: (ph, pw), shift: shift)
        // (nW, T, C) -> (pH/w, pW/w, w, w, C) -> (pH/w, w, pW/w, w, C) -> (pH, pW, C)
        x = g.reshape(
            g.permute(g.reshape(x, [ph / win, pw / win, win, win, c]), [0, 2, 1, 3, 4], name: "\(p).departition"),
            [ph, pw, c])
        x = roll(g, roll(g, x, axis: 0, by: shift.0), axis: 1, by: shift.1)
        return ph == h && pw == wd ? x : g.slice(g.slice(x, axis: 0, 0..<h), axis: 1, 0..<wd, name: "\(p).unpad")
    }

    /// The attention inside each window: `qkv` projection (V2: its key bias zeroed, as torchvision does on every
    /// call), scores, plus the constant bias and mask, softmax, values, `proj`.
    ///
    /// V1 scores are `q kᵀ / sqrt(d)`; V2's are cosine similarities, `normalize(q) normalize(k)ᵀ`, times the
    /// head's `exp(min(logit_scale, log 100))`.
    // (nW, T, C) -> (nW, T, C)
    static func windowAttention(
        _ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, _ stage: Stage, grid: (Int, Int),
        shift: (Int, Int)
    ) -> ValueID {
        let (c, heads) = (stage.channels, stage.heads)
        var qkvBias = w.tensor("\(p).qkv.bias", [3 * c])
        if stage.v2 { for i in c..<2 * c { qkvBias.scalars[i] = 0 } }
        let qkv = g.linear(x, weight: w.tensor("\(p).qkv.weight", [3 * c, c]), bias: qkvBias, name: "\(p).qkv")
        let biasAndMask = g.constant(
            positionBiasAndMask(w, p, stage, grid: grid, shift: shift), name: "\(p).bias_and_mask")
        let joined = TransformerLayers.attention(g, qkv, heads: heads, p) { q, k in
            guard stage.v2 else {
                return g.add(
                    g.matmul(q, k, transposeB: true, scale: 1 / Float(c / heads).squareRoot(), name: "\(p).scores"),
                    biasAndMask)
            }
            let logitScale = w.tensor("\(p).logit_scale", [heads, 1, 1]).scalars.map {
                Foundation.exp(min($0, Foundation.log(Float(100))))
            }
            let cosine = g.matmul(g.l2Normalize(q), g.l2Normalize(k), transposeB: true, name: "\(p).scores")
            let scaled = g.mul(
                cosine, g.constant(Tensor(shape: [1, heads, 1, 1], scalars: logitScale), name: "\(p).logit_scale"))
            return g.add(scaled, biasAndMask)
        }
        return TransformerLayers.linear(g, joined, w, "\(p).proj", in: c, out: c)
    }

    /// What is added to every window's scores: the relative position bias of each head, plus, with a shift,
    /// torchvision's mask: -100 between tokens that come from different regions of the unrolled grid.
    // -> (nW, H, T, T) with a shift, else (1, H, T, T)
    static func positionBiasAndMask(
        _ w: WeightSource, _ p: String, _ stage: Stage, grid: (Int, Int), shift: (Int, Int)
    ) -> Tensor {
        let (win, heads) = (stage.window, stage.heads)
        w.ignore(prefix: "\(p).relative_position_index")
        if stage.v2 { w.ignore(prefix: "\(p).relative_coords_table") }
        let table = stage.v2
            ? continuousPositionBiasTable(w, "\(p).cpb_mlp", window: win, heads: heads)
            : w.tensor("\(p).relative_position_bias_table", [(2 * win - 1) * (2 * win - 1), heads])
        let bias = TransformerLayers.relativePositionBias(table: table, size: win)
        guard shift.0 > 0 || shift.1 > 0 else { return bias }
        let mask = shiftMask(grid: grid, window: win, shift: shift), t = win * win, nW = mask.count / (t * t)
        var scalars = [Float](repeating: 0, count: nW * heads * t * t)
        for window in 0..<nW {
            for h in 0..<heads {
                for ij in 0..<t * t {
                    scalars[(window * heads + h) * t * t + ij] =
                        bias.scalars[h * t * t + ij] + mask[window * t * t + ij]
                }
            }
        }
        return Tensor(shape: [nW, heads, t, t], scalars: scalars)
    }

    /// torchvision's attention mask for the rolled grid: each axis falls in three regions (before the last window,
    /// the last window's unrolled part, the rolled-in part); tokens of a window in different regions get -100.
    // -> (nW, T, T)
    static func shiftMask(grid: (Int, Int), window win: Int, shift: (Int, Int)) -> [Float] {
        // the region of position i on an axis of n: torchvision's slices (0, -w), (-w, -shift), (-shift, None)
        func region(_ i: Int, _ n: Int, _ s: Int) -> Int { s == 0 ? 2 : i < n - win ? 0 : i < n - s ? 1 : 2 }
        let (ph, pw) = grid, t = win * win
        var mask: [Float] = []
        for wy in 0..<ph / win {
            for wx in 0..<pw / win {
                // the region label of each token of this window, row-major
                let labels = (0..<t).map { k in
                    region(wy * win + k / win, ph, shift.0) * 3 + region(wx * win + k % win, pw, shift.1)
                }
                for i in 0..<t { for j in 0..<t { mask.append(labels[i] == labels[j] ? 0 : -100) } }
            }
        }
        return mask
    }

    /// Swin V2's continuous position bias table: `cpb_mlp` (Linear(2, 512), ReLU, Linear(512, H) without bias)
    /// evaluated on every relative offset's coordinates, `sign(x) log2(1 + |8 x / (w - 1)|) / 3`, then `16 sigmoid`
    /// (torchvision applies it after gathering, which is the same).
    // -> ((2w - 1)², H)
    static func continuousPositionBiasTable(_ w: WeightSource, _ p: String, window win: Int, heads: Int) -> Tensor {
        let hidden = 512
        let (w0, b0, w2) = (
            w.tensor("\(p).0.weight", [hidden, 2]), w.tensor("\(p).0.bias", [hidden]),
            w.tensor("\(p).2.weight", [heads, hidden])
        )
        // torchvision's relative_coords_table, computed in float32 in the same order
        func coordinate(_ offset: Int) -> Float {
            let x = Float(offset) / Float(win - 1) * 8
            return (x > 0 ? 1 : x < 0 ? -1 : 0) * Foundation.log2(abs(x) + 1) / 3
        }
        var table: [Float] = []
        for dy in -(win - 1)..<win {
            for dx in -(win - 1)..<win {
                let (cy, cx) = (coordinate(dy), coordinate(dx))
                let features = (0..<hidden).map { k in
                    max(w0.scalars[2 * k] * cy + w0.scalars[2 * k + 1] * cx + b0.scalars[k], 0)
                }
                for h in 0..<heads {
                    let y = zip(w2.scalars[h * hidden..<(h + 1) * hidden], features).map(*).reduce(0, +)
                    table.append(16 / (1 + Foundation.exp(-y)))
                }
            }
        }
        return Tensor(shape: [table.count / heads, heads], scalars: table)
    }

    /// `PatchMerging`: each 2x2 block of tokens concatenated (`x[0::2, 0::2]`, `x[1::2, 0::2]`, `x[0::2, 1::2]`,
    /// `x[1::2, 1::2]`, after padding H and W to even), LayerNorm(4C) then Linear(4C, 2C); V2's `PatchMergingV2`
    /// applies the linear first and normalizes its 2C outputs.
    // (H, W, C) -> (H/2, W/2, 2C)
    static func patchMerging(
        _ g: GraphBuilder, _ input: ValueID, _ w: WeightSource, _ p: String, v2: Bool, channels c: Int
    ) -> ValueID {
        let x = pad(g, input, toMultipleOf: 2, name: "\(p).pad")
        let (h, wd) = (g.shape(of: x)[0] / 2, g.shape(of: x)[1] / 2)
        // (2h, 2w, C) -> (h, 2 [row parity], w, 2 [column parity], C) -> (h, w, column parity, row parity, C) -> (h, w, 4C)
        let merged = g.reshape(
            g.permute(g.reshape(x, [h, 2, wd, 2, c]), [0, 2, 3, 1, 4], name: "\(p).merge"), [h, wd, 4 * c])
        let reduction = w.tensor("\(p).reduction.weight", [2 * c, 4 * c])
        if v2 {
            return layerNorm(
                g, g.linear(merged, weight: reduction, name: "\(p).reduction"), w, "\(p).norm", features: 2 * c)
        }
        return g.linear(
            layerNorm(g, merged, w, "\(p).norm", features: 4 * c), weight: reduction, name: "\(p).reduction")
    }

    // MARK: - Grid plumbing

    /// `F.pad` with zeros at the bottom and right, up to whole multiples of `multiple` (nothing to do at the presets'
    /// sizes: the grids are 56, 28, 14, 7 at 224 with windows of 7, and 64, 32, 16, 8 at 256 with windows of 8).
    // (H, W, C) -> (ceil(H / m) m, ceil(W / m) m, C)
    static func pad(_ g: GraphBuilder, _ x: ValueID, toMultipleOf multiple: Int, name: String) -> ValueID {
        var y = x
        for axis in 0..<2 {
            var dims = g.shape(of: y).dims
            let missing = (multiple - dims[axis] % multiple) % multiple
            guard missing > 0 else { continue }
            dims[axis] = missing
            y = g.concat([y, g.constant(Tensor(zeros: Shape(dims)))], axis: axis, name: "\(name)_\(axis)")
        }
        return y
    }

    /// `torch.roll(x, shift, axis)`, `y[i] = x[(i - shift) mod n]`: the two parts swapped.
    static func roll(_ g: GraphBuilder, _ x: ValueID, axis: Int, by shift: Int) -> ValueID {
        let n = g.shape(of: x)[axis], s = (shift % n + n) % n
        guard s > 0 else { return x }
        return g.concat([g.slice(x, axis: axis, n - s..<n), g.slice(x, axis: axis, 0..<n - s)], axis: axis)
    }

    /// `nn.LayerNorm(C)` (eps 1e-5) over the channels of each token.
    // (..., C) -> (..., C)
    static func layerNorm(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, features: Int) -> ValueID {
        TransformerLayers.layerNorm(g, x, w, p, features: features, epsilon: 1e-5)
    }
}
