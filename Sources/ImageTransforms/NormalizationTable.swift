/// torchvision's `convert_image_dtype(float)` then `normalize`, tabulated for every byte value.
///
/// torchvision computes `x / 255.0` then `(v - mean) / std`, each a float32 operation with its own
/// rounding. Evaluating the same float32 operations once per byte value gives a table whose lookup is
/// bit-identical to it, and cheaper than two divisions per value.
struct NormalizationTable {
    /// 3 x 256 floats: `values[c * 256 + byte]`.
    let values: [Float]

    init(mean: [Float], std: [Float]) {
        var values = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            for byte in 0..<256 {
                let unit = Float(byte) / 255  // convert_image_dtype: image.to(float) / 255.0
                values[channel * 256 + byte] = (unit - mean[channel]) / std[channel]  // normalize: sub_, div_
            }
        }
        self.values = values
    }
}
