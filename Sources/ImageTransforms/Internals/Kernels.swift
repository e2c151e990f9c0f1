import CImageKernels
import TensorCore

/// Which implementation of the C row kernels runs; every variant gives identical results.
package enum KernelVariant: Int32, Sendable, CaseIterable {
    /// The widest variant the CPU supports.
    case automatic = 0
    case scalar = 1
    case avx2 = 2
    case avx512 = 3

    /// Whether this CPU can run the variant.
    package var isSupported: Bool { bv_kernel_supported(rawValue) != 0 }

    /// What `automatic` resolves to on this CPU.
    package static var best: KernelVariant { KernelVariant(rawValue: bv_kernel_best_variant()) ?? .scalar }
}

extension Interpolation {
    /// The C side's filter number (`BV_FILTER_*`, which are Pillow's `Image.Resampling` values).
    var cFilter: Int32 {
        switch self {
        case .bilinear: Int32(BV_FILTER_BILINEAR)
        case .bicubic: Int32(BV_FILTER_BICUBIC)
        }
    }
}

/// The only calls into `CImageKernels`, each checked.
///
/// The C side fails only when it cannot get scratch memory (or is passed a variant or filter the Swift
/// side never sends), which Swift treats as fatal everywhere else too, so failures trap with the C
/// function's name.
enum Kernels {
    /// Resizes the whole image into `out` ((height, width, 3) u8) with Pillow's `filter`.
    ///
    /// The corresponding C function is `bv_resize_rgb8`.
    static func resize(
        _ image: RGBImage, into out: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, filter: Interpolation,
        kernel: KernelVariant
    ) {
        precondition(out.count == width * height * 3)
        let status = image.pixels.withUnsafeBufferPointer { src in
            bv_resize_rgb8(
                src.baseAddress, Int32(image.width), Int32(image.height), out.baseAddress, Int32(width),
                Int32(height), filter.cFilter, kernel.rawValue)
        }
        check(status, "bv_resize_rgb8", kernel)
    }

    /// Resizes (Pillow's `filter`), crops and normalises `image` into `out` per `geometry`.
    ///
    /// The corresponding C function is `bv_preprocess_rgb8`.
    static func preprocess(
        _ image: RGBImage, geometry: bv_crop_geometry, table: NormalizationTable, filter: Interpolation,
        into out: UnsafeMutableBufferPointer<Float>, layout: TensorLayout, kernel: KernelVariant
    ) {
        precondition(out.count == 3 * Int(geometry.crop_width) * Int(geometry.crop_height))
        let cLayout = Int32(layout == .hwc ? BV_LAYOUT_HWC : BV_LAYOUT_CHW)
        let status = image.pixels.withUnsafeBufferPointer { src in
            table.values.withUnsafeBufferPointer { lut in
                withUnsafePointer(to: geometry) { geometry in
                    bv_preprocess_rgb8(
                        src.baseAddress, Int32(image.width), Int32(image.height), geometry, lut.baseAddress,
                        out.baseAddress, cLayout, filter.cFilter, kernel.rawValue)
                }
            }
        }
        check(status, "bv_preprocess_rgb8", kernel)
    }

    private static func check(_ status: Int32, _ function: String, _ kernel: KernelVariant) {
        precondition(kernel.isSupported, "\(function): kernel variant \(kernel) is not supported by this CPU")
        precondition(Int(status) != BV_ERROR_ARGUMENT, "\(function) rejected its filter or kernel variant \(kernel)")
        precondition(Int(status) == BV_OK, "\(function) failed: out of memory for resize scratch")
    }
}
