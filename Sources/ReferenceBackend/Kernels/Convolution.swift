import InferenceGraph

extension ReferenceModel {
    /// Direct convolution with zero padding, groups and dilation, then the post-ops in order.
    // (N, C, H, W) -> (N, K, H', W');  weight (K, C/G, kH, kW)
    static func convolve(_ x: Batch, _ conv: Conv2D, residual: Batch?, into shape: Batch) -> Batch {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (k, oh, ow) = (shape.shape[0], shape.shape[1], shape.shape[2])
        let (kh, kw) = conv.kernel
        let cPerGroup = c / conv.groups, kPerGroup = k / conv.groups
        var out = [Float](repeating: 0, count: x.n * k * oh * ow)
        for n in 0..<x.n {
            for o in 0..<k {
                let g = o / kPerGroup
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = conv.bias?.scalars[o] ?? 0
                        for ci in 0..<cPerGroup {
                            let ic = g * cPerGroup + ci
                            for ky in 0..<kh {
                                let iy = oy * conv.stride.h - conv.padding.top + ky * conv.dilation.h
                                guard iy >= 0, iy < h else { continue }
                                for kx in 0..<kw {
                                    let ix = ox * conv.stride.w - conv.padding.left + kx * conv.dilation.w
                                    guard ix >= 0, ix < w else { continue }
                                    sum += x.data[((n * c + ic) * h + iy) * w + ix]
                                        * conv.weight.scalars[((o * cPerGroup + ci) * kh + ky) * kw + kx]
                                }
                            }
                        }
                        out[((n * k + o) * oh + oy) * ow + ox] = sum
                    }
                }
            }
        }
        applying(conv.postOps, to: &out, residual: residual)
        return Batch(n: x.n, shape: shape.shape, data: out)
    }

    /// A convolution's or linear layer's post-ops, in order, on its output.
    static func applying(_ postOps: [PostOp], to out: inout [Float], residual: Batch?) {
        for postOp in postOps {
            switch postOp {
            case .residualAdd:
                for i in out.indices { out[i] += residual?.data[i] ?? 0 }
            case .activation(let a):
                for i in out.indices { out[i] = a.apply(out[i]) }
            }
        }
    }
}
