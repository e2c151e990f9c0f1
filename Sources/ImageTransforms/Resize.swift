import CImageKernels
import TensorCore

/// Pillow's antialiased bilinear and bicubic resizes, and torchvision's rule for the size to resize to.
///
/// Upstream: Pillow 9.4 `src/libImaging/Resample.c` (8-bit path); torchvision v0.14.1
/// `transforms/functional.py` `_compute_resized_output_size`.
public enum Resize {
    /// torchvision's output size for resizing the shorter side to `shorterSide`.
    ///
    /// The long side is `int(shorterSide * long / short)` in Python float arithmetic: truncated, not
    /// rounded. A square image keeps its aspect ratio exactly.
    public static func outputSize(width: Int, height: Int, shorterSide: Int) -> (width: Int, height: Int) {
        let (short, long) = width <= height ? (width, height) : (height, width)
        // Python's int / int is the correctly rounded quotient, as Double division is for these sizes.
        let newLong = Int(Double(shorterSide * long) / Double(short))
        return width <= height ? (shorterSide, newLong) : (newLong, shorterSide)
    }

    /// Pillow-exact antialiased bilinear resize of the whole image (`img.resize((w, h), BILINEAR)`).
    ///
    /// (height, width, 3) u8 -> (`height`, `width`, 3) u8. Equal sizes give a copy, as in Pillow.
    public static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        resample(image, width: width, height: height, filter: .bilinear, kernel: .automatic)
    }

    /// Pillow-exact antialiased bicubic resize of the whole image (`img.resize((w, h), BICUBIC)`).
    ///
    /// Pillow's cubic (a = -0.5, support 2 source pixels, widened when downscaling) has negative lobes,
    /// so each pass clamps to 0...255 as Pillow's does. (height, width, 3) u8 -> (`height`, `width`, 3) u8.
    public static func bicubic(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        resample(image, width: width, height: height, filter: .bicubic, kernel: .automatic)
    }

    package static func bilinear(_ image: RGBImage, width: Int, height: Int, kernel: KernelVariant) -> RGBImage {
        resample(image, width: width, height: height, filter: .bilinear, kernel: kernel)
    }

    /// The whole image resized with Pillow's `filter`, running `kernel`.
    package static func resample(
        _ image: RGBImage, width: Int, height: Int, filter: Interpolation, kernel: KernelVariant
    ) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)x\(height): sizes must be positive")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            Kernels.resize(image, into: out, width: width, height: height, filter: filter, kernel: kernel)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
