// GoogLeNet (Inception v1) as torchvision builds it for its pretrained weights.
//
// Paper: C. Szegedy, W. Liu, Y. Jia, P. Sermanet, S. Reed, D. Anguelov, D. Erhan, V. Vanhoucke, A. Rabinovich,
// "Going Deeper with Convolutions", CVPR 2015, https://arxiv.org/abs/1409.4842.
// Upstream: pytorch/vision v0.14.1, torchvision/models/googlenet.py (GoogLeNet, Inception, BasicConv2d).
// NOTE: as `googlenet(weights=...)` builds it: `transform_input=True` (see `transformInput`), convolutions
// with batch norm (eps 0.001), ceil-mode max pools, and the "5x5" branch is a 3x3 as in torchvision. The
// auxiliary heads (`aux1.*`, `aux2.*`) are in the weights file but run only in training, so they are ignored.
// Parameter names are torchvision's state_dict keys (`inception4a.branch2.1.conv.weight`).
import InferenceGraph
import TensorCore

// Layout letters: N batch, C channels, H/W spatial. Activations are (N, C, H, W) float32.

/// torchvision's GoogLeNet.
public enum GoogLeNet {
    /// An `Inception` block's widths: 1x1; 3x3 reduce, 3x3; "5x5" reduce, "5x5"; pool projection.
    struct Block {
        let name: String, ch1x1: Int, ch3x3red: Int, ch3x3: Int, ch5x5red: Int, ch5x5: Int, poolProj: Int
        var outChannels: Int { ch1x1 + ch3x3 + ch5x5 + poolProj }
    }

    /// The inception blocks in order; a ceil-mode max pool follows those named here.
    static let blocks: [Block] = [
        Block(name: "inception3a", ch1x1: 64, ch3x3red: 96, ch3x3: 128, ch5x5red: 16, ch5x5: 32, poolProj: 32),
        Block(name: "inception3b", ch1x1: 128, ch3x3red: 128, ch3x3: 192, ch5x5red: 32, ch5x5: 96, poolProj: 64),
        Block(name: "inception4a", ch1x1: 192, ch3x3red: 96, ch3x3: 208, ch5x5red: 16, ch5x5: 48, poolProj: 64),
        Block(name: "inception4b", ch1x1: 160, ch3x3red: 112, ch3x3: 224, ch5x5red: 24, ch5x5: 64, poolProj: 64),
        Block(name: "inception4c", ch1x1: 128, ch3x3red: 128, ch3x3: 256, ch5x5red: 24, ch5x5: 64, poolProj: 64),
        Block(name: "inception4d", ch1x1: 112, ch3x3red: 144, ch3x3: 288, ch5x5red: 32, ch5x5: 64, poolProj: 64),
        Block(name: "inception4e", ch1x1: 256, ch3x3red: 160, ch3x3: 320, ch5x5red: 32, ch5x5: 128, poolProj: 128),
        Block(name: "inception5a", ch1x1: 256, ch3x3red: 160, ch3x3: 320, ch5x5red: 32, ch5x5: 128, poolProj: 128),
        Block(name: "inception5b", ch1x1: 384, ch3x3red: 192, ch3x3: 384, ch5x5red: 48, ch5x5: 128, poolProj: 128),
    ]

    /// The max pools between blocks: after which block, with which kernel (stride 2, ceil mode).
    static let poolsAfter: [String: (name: String, kernel: Int)] = [
        "inception3b": ("maxpool3", 3), "inception4e": ("maxpool4", 2),
    ]

    /// `(N, 3, size, size) -> (N, classes)` logits, classes from the head (`fc.weight`).
    public static func graph(weights: WeightSource, size: Int = 224) throws -> Graph {
        let g = GraphBuilder()
        var x = transformInput(g, g.input("image", channels: 3, height: size, width: size))
        // stem: (3, 224, 224) -> (192, 28, 28)
        x = basicConv2d(g, x, weights, "conv1", in: 3, out: 64, kernel: 7, stride: 2, padding: 3)
        x = g.maxPool(x, kernel: 3, stride: 2, ceilMode: true, name: "maxpool1")
        x = basicConv2d(g, x, weights, "conv2", in: 64, out: 64, kernel: 1)
        x = basicConv2d(g, x, weights, "conv3", in: 64, out: 192, kernel: 3, padding: 1)
        x = g.maxPool(x, kernel: 3, stride: 2, ceilMode: true, name: "maxpool2")
        var channels = 192
        for block in blocks {
            x = inception(g, x, weights, block, in: channels)
            channels = block.outChannels
            if let pool = poolsAfter[block.name] { x = g.maxPool(x, kernel: pool.kernel, stride: 2, ceilMode: true, name: pool.name) }
        }
        // head: global average pool, dropout (identity), fc: (1024, 7, 7) -> (classes)
        x = g.flatten(g.adaptiveAvgPool(x))
        let classes = weights.classCount(head: "fc.weight")
        x = g.linear(x, weight: weights.tensor("fc.weight", [classes, channels]), bias: weights.tensor("fc.bias", [classes]), name: "fc")
        g.output(x)
        weights.ignore(prefix: "aux1.")
        weights.ignore(prefix: "aux2.")
        try weights.finish()
        return try g.build()
    }

    /// `Inception`: four branches concatenated: 1x1; 1x1-3x3; 1x1-3x3; max pool 3/1 (ceil mode)-1x1.
    // (C, H, W) -> (ch1x1 + ch3x3 + ch5x5 + poolProj, H, W)
    static func inception(_ g: GraphBuilder, _ x: ValueID, _ w: WeightSource, _ b: Block, in channels: Int) -> ValueID {
        let p = b.name
        let branch1 = basicConv2d(g, x, w, "\(p).branch1", in: channels, out: b.ch1x1, kernel: 1)
        var branch2 = basicConv2d(g, x, w, "\(p).branch2.0", in: channels, out: b.ch3x3red, kernel: 1)
        branch2 = basicConv2d(g, branch2, w, "\(p).branch2.1", in: b.ch3x3red, out: b.ch3x3, kernel: 3, padding: 1)
        var branch3 = basicConv2d(g, x, w, "\(p).branch3.0", in: channels, out: b.ch5x5red, kernel: 1)
        branch3 = basicConv2d(g, branch3, w, "\(p).branch3.1", in: b.ch5x5red, out: b.ch5x5, kernel: 3, padding: 1)
        var branch4 = g.maxPool(x, kernel: 3, stride: 1, padding: .symmetric(1), ceilMode: true, name: "\(p).branch4.0")
        branch4 = basicConv2d(g, branch4, w, "\(p).branch4.1", in: channels, out: b.poolProj, kernel: 1)
        return g.concat([branch1, branch2, branch3, branch4], name: "\(p).cat")
    }
}
