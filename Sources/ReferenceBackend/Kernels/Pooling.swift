import InferenceGraph

extension ReferenceModel {
    /// Max over each window; padded positions never win (PyTorch pads with -infinity).
    // (N, C, H, W) -> (N, C, H', W')
    static func maxPool(_ x: Batch, _ pool: Pool, into out: Batch) -> Batch {
        slide(x, pool, into: out) { values, _ in values.max() ?? 0 }
    }

    /// Mean over each window; the divisor counts padded positions when `countIncludePad`.
    // (N, C, H, W) -> (N, C, H', W')
    static func avgPool(_ x: Batch, _ pool: Pool, countIncludePad: Bool, into out: Batch) -> Batch {
        slide(x, pool, into: out) { values, paddedCount in
            values.reduce(0, +) / Float(countIncludePad ? paddedCount : values.count)
        }
    }

    /// PyTorch's adaptive average pool: output cell i covers `[floor(i*H/oh), ceil((i+1)*H/oh))`.
    // (N, C, H, W) -> (N, C, oh, ow)
    static func adaptiveAvgPool(_ x: Batch, into out: Batch) -> Batch {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (oh, ow) = (out.shape[1], out.shape[2])
        var data: [Float] = []
        data.reserveCapacity(x.n * c * oh * ow)
        for plane in 0..<x.n * c {
            for oy in 0..<oh {
                let (y0, y1) = (oy * h / oh, ((oy + 1) * h + oh - 1) / oh)
                for ox in 0..<ow {
                    let (x0, x1) = (ox * w / ow, ((ox + 1) * w + ow - 1) / ow)
                    var sum: Float = 0
                    for iy in y0..<y1 { for ix in x0..<x1 { sum += x.data[(plane * h + iy) * w + ix] } }
                    data.append(sum / Float((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return Batch(n: x.n, shape: out.shape, data: data)
    }

    /// Visits every window; `reduce(values inside the input, window size including padding)`.
    private static func slide(_ x: Batch, _ pool: Pool, into out: Batch, _ reduce: ([Float], Int) -> Float) -> Batch {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (oh, ow) = (out.shape[1], out.shape[2])
        var data: [Float] = []
        data.reserveCapacity(x.n * c * oh * ow)
        for plane in 0..<x.n * c {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let y0 = oy * pool.stride.h - pool.padding.top, x0 = ox * pool.stride.w - pool.padding.left
                    // PyTorch clips the divisor window to the padded input: with `ceilMode` the last window
                    // may overhang the bottom/right padding, and the overhang counts for nothing.
                    let y1 = min(y0 + pool.kernel.h, h + pool.padding.bottom)
                    let x1 = min(x0 + pool.kernel.w, w + pool.padding.right)
                    var values: [Float] = []
                    for iy in max(y0, 0)..<min(y1, h) {
                        for ix in max(x0, 0)..<min(x1, w) { values.append(x.data[(plane * h + iy) * w + ix]) }
                    }
                    data.append(reduce(values, (y1 - y0) * (x1 - x0)))
                }
            }
        }
        return Batch(n: x.n, shape: out.shape, data: data)
    }
}
