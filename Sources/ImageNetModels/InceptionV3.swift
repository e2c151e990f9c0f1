// Inception V3 as torchvision builds it for its pretrained weights (299 x 299 input).
//
// Paper: C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens, Z. Wojna, "Rethinking the Inception Architecture for
// Computer Vision", CVPR 2016, https://arxiv.org/abs/1512.00567.
// Upstream: pytorch/vision v0.14.1, torchvision/models/inception.py (Inception3, InceptionA-E, BasicConv2d).
// NOTE: as `inception_v3(weights=...)` builds it: `transform_input=True` (see `transformInput`), batch norm
// eps 0.001, average pools counting padding. The auxiliary head (`AuxLogits.*`) is in the weights file but
// runs only in training, so it is ignored.
// Parameter names are torchvision's state_dict keys (`Mixed_6b.branch7x7_2.conv.weight`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's Inception V3.
public enum InceptionV3 {
    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head (`fc.weight`); torchvision's size is 299.
    public static func graph(weights w: WeightSource, size: Int = 299) throws -> Graph {
        let g = GraphBuilder()
        var x = transformInput(g, g.input("image", channels: 3, height: size, width: size))
        // stem: (3, 299, 299) -> (192, 35, 35)
        x = basicConv2d(g, x, w, "Conv2d_1a_3x3", in: 3, out: 32, kernel: 3, stride: 2)
        x = basicConv2d(g, x, w, "Conv2d_2a_3x3", in: 32, out: 32, kernel: 3)
        x = basicConv2d(g, x, w, "Conv2d_2b_3x3", in: 32, out: 64, kernel: 3, padding: 1)
        x = g.maxPool(x, kernel: 3, stride: 2, name: "maxpool1")
        x = basicConv2d(g, x, w, "Conv2d_3b_1x1", in: 64, out: 80, kernel: 1)
        x = basicConv2d(g, x, w, "Conv2d_4a_3x3", in: 80, out: 192, kernel: 3)
        x = g.maxPool(x, kernel: 3, stride: 2, name: "maxpool2")
        // (192, 35, 35) -> (288, 35, 35) -> (768, 17, 17) -> (2048, 8, 8)
        x = inceptionA(g, x, w, "Mixed_5b", in: 192, poolFeatures: 32)
        x = inceptionA(g, x, w, "Mixed_5c", in: 256, poolFeatures: 64)
        x = inceptionA(g, x, w, "Mixed_5d", in: 288, poolFeatures: 64)
        x = inceptionB(g, x, w, "Mixed_6a", in: 288)
        for (name, c7) in [("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)] {
            x = inceptionC(g, x, w, name, in: 768, channels7x7: c7)
        }
        x = inceptionD(g, x, w, "Mixed_7a", in: 768)
        x = inceptionE(g, x, w, "Mixed_7b", in: 1280)
        x = inceptionE(g, x, w, "Mixed_7c", in: 2048)
        // head: global average pool, dropout (identity), fc: (2048, 8, 8) -> (classes)
        x = g.flatten(g.adaptiveAvgPool(x))
        let classes = w.classCount(head: "fc.weight")
        x = g.linear(x, weight: w.tensor("fc.weight", [classes, 2048]), bias: w.tensor("fc.bias", [classes]), name: "fc")
        g.output(x)
        w.ignore(prefix: "AuxLogits.")
        try w.finish()
        return try g.build()
    }

    // MARK: - Blocks

    /// `InceptionA`: 1x1; 1x1-5x5; 1x1-3x3-3x3; avg pool 3/1-1x1.
    // (C, 35, 35) -> (224 + poolFeatures, 35, 35)
    static func inceptionA(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in c: Int, poolFeatures: Int) -> ValueID {
        let b1 = basicConv2d(g, x, w, "\(p).branch1x1", in: c, out: 64, kernel: 1)
        var b5 = basicConv2d(g, x, w, "\(p).branch5x5_1", in: c, out: 48, kernel: 1)
        b5 = basicConv2d(g, b5, w, "\(p).branch5x5_2", in: 48, out: 64, kernel: 5, padding: 2)
        var b3 = basicConv2d(g, x, w, "\(p).branch3x3dbl_1", in: c, out: 64, kernel: 1)
        b3 = basicConv2d(g, b3, w, "\(p).branch3x3dbl_2", in: 64, out: 96, kernel: 3, padding: 1)
        b3 = basicConv2d(g, b3, w, "\(p).branch3x3dbl_3", in: 96, out: 96, kernel: 3, padding: 1)
        let pool = basicConv2d(g, averagePool(g, x, p), w, "\(p).branch_pool", in: c, out: poolFeatures, kernel: 1)
        return g.concat([b1, b5, b3, pool], name: "\(p).cat")
    }

    /// `InceptionB`: 3x3/2; 1x1-3x3-3x3/2; max pool 3/2.
    // (C, 35, 35) -> (480 + C, 17, 17)
    static func inceptionB(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in c: Int) -> ValueID {
        let b3 = basicConv2d(g, x, w, "\(p).branch3x3", in: c, out: 384, kernel: 3, stride: 2)
        var d = basicConv2d(g, x, w, "\(p).branch3x3dbl_1", in: c, out: 64, kernel: 1)
        d = basicConv2d(g, d, w, "\(p).branch3x3dbl_2", in: 64, out: 96, kernel: 3, padding: 1)
        d = basicConv2d(g, d, w, "\(p).branch3x3dbl_3", in: 96, out: 96, kernel: 3, stride: 2)
        return g.concat([b3, d, g.maxPool(x, kernel: 3, stride: 2, name: "\(p).pool")], name: "\(p).cat")
    }

    /// `InceptionC`: 1x1; 1x1-1x7-7x1; 1x1-7x1-1x7-7x1-1x7; avg pool 3/1-1x1.
    // (768, 17, 17) -> (768, 17, 17)
    static func inceptionC(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in c: Int, channels7x7 c7: Int) -> ValueID {
        let b1 = basicConv2d(g, x, w, "\(p).branch1x1", in: c, out: 192, kernel: 1)
        var b7 = basicConv2d(g, x, w, "\(p).branch7x7_1", in: c, out: c7, kernel: 1)
        b7 = basicConv2d(g, b7, w, "\(p).branch7x7_2", in: c7, out: c7, kernel: (1, 7), padding: (0, 3))
        b7 = basicConv2d(g, b7, w, "\(p).branch7x7_3", in: c7, out: 192, kernel: (7, 1), padding: (3, 0))
        var d = basicConv2d(g, x, w, "\(p).branch7x7dbl_1", in: c, out: c7, kernel: 1)
        d = basicConv2d(g, d, w, "\(p).branch7x7dbl_2", in: c7, out: c7, kernel: (7, 1), padding: (3, 0))
        d = basicConv2d(g, d, w, "\(p).branch7x7dbl_3", in: c7, out: c7, kernel: (1, 7), padding: (0, 3))
        d = basicConv2d(g, d, w, "\(p).branch7x7dbl_4", in: c7, out: c7, kernel: (7, 1), padding: (3, 0))
        d = basicConv2d(g, d, w, "\(p).branch7x7dbl_5", in: c7, out: 192, kernel: (1, 7), padding: (0, 3))
        let pool = basicConv2d(g, averagePool(g, x, p), w, "\(p).branch_pool", in: c, out: 192, kernel: 1)
        return g.concat([b1, b7, d, pool], name: "\(p).cat")
    }

    /// `InceptionD`: 1x1-3x3/2; 1x1-1x7-7x1-3x3/2; max pool 3/2.
    // (768, 17, 17) -> (1280, 8, 8)
    static func inceptionD(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in c: Int) -> ValueID {
        var b3 = basicConv2d(g, x, w, "\(p).branch3x3_1", in: c, out: 192, kernel: 1)
        b3 = basicConv2d(g, b3, w, "\(p).branch3x3_2", in: 192, out: 320, kernel: 3, stride: 2)
        var b7 = basicConv2d(g, x, w, "\(p).branch7x7x3_1", in: c, out: 192, kernel: 1)
        b7 = basicConv2d(g, b7, w, "\(p).branch7x7x3_2", in: 192, out: 192, kernel: (1, 7), padding: (0, 3))
        b7 = basicConv2d(g, b7, w, "\(p).branch7x7x3_3", in: 192, out: 192, kernel: (7, 1), padding: (3, 0))
        b7 = basicConv2d(g, b7, w, "\(p).branch7x7x3_4", in: 192, out: 192, kernel: 3, stride: 2)
        return g.concat([b3, b7, g.maxPool(x, kernel: 3, stride: 2, name: "\(p).pool")], name: "\(p).cat")
    }

    /// `InceptionE`: 1x1; 1x1-(1x3 ++ 3x1); 1x1-3x3-(1x3 ++ 3x1); avg pool 3/1-1x1.
    // (C, 8, 8) -> (2048, 8, 8)
    static func inceptionE(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ p: String, in c: Int) -> ValueID {
        let b1 = basicConv2d(g, x, w, "\(p).branch1x1", in: c, out: 320, kernel: 1)
        let s = basicConv2d(g, x, w, "\(p).branch3x3_1", in: c, out: 384, kernel: 1)
        let b3 = g.concat([
            basicConv2d(g, s, w, "\(p).branch3x3_2a", in: 384, out: 384, kernel: (1, 3), padding: (0, 1)),
            basicConv2d(g, s, w, "\(p).branch3x3_2b", in: 384, out: 384, kernel: (3, 1), padding: (1, 0)),
        ], name: "\(p).branch3x3")
        var d = basicConv2d(g, x, w, "\(p).branch3x3dbl_1", in: c, out: 448, kernel: 1)
        d = basicConv2d(g, d, w, "\(p).branch3x3dbl_2", in: 448, out: 384, kernel: 3, padding: 1)
        let dbl = g.concat([
            basicConv2d(g, d, w, "\(p).branch3x3dbl_3a", in: 384, out: 384, kernel: (1, 3), padding: (0, 1)),
            basicConv2d(g, d, w, "\(p).branch3x3dbl_3b", in: 384, out: 384, kernel: (3, 1), padding: (1, 0)),
        ], name: "\(p).branch3x3dbl")
        let pool = basicConv2d(g, averagePool(g, x, p), w, "\(p).branch_pool", in: c, out: 192, kernel: 1)
        return g.concat([b1, b3, dbl, pool], name: "\(p).cat")
    }

    /// `F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)`, counting the padding as PyTorch's default does.
    // (C, H, W) -> (C, H, W)
    static func averagePool(_ g: GraphBuilder, _ x: ValueID, _ p: String) -> ValueID {
        g.avgPool(x, kernel: 3, stride: 1, padding: .symmetric(1), countIncludePad: true, name: "\(p).avgpool")
    }
}
