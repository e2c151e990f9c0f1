import ImageTransforms
import TensorCore
import TestSupport
import XCTest

/// Every SIMD variant gives the scalar variant's bytes and floats (no oracle needed: scalar is the
/// transcription of Pillow's loops, checked against Pillow in ResizeTests).
final class KernelVariantTests: XCTestCase {
    /// Sizes that hit partial 8/16-column blocks, rows near the buffer end, many taps and upscaling.
    private static let resizes: [(Int, Int, Int, Int)] = [
        (500, 375, 341, 256), (1200, 900, 341, 256), (7, 5, 3, 2), (1, 1, 19, 17), (3, 2, 1, 1),
        (4000, 30, 33, 29), (30, 4000, 17, 60), (97, 61, 97, 30), (97, 61, 40, 61), (250, 250, 513, 257),
    ]

    func testSIMDResizeEqualsScalar() throws {
        try assertResizeVariantsAgree(filter: .bilinear)
    }

    func testSIMDPreprocessEqualsScalar() throws {
        let presets = [PreprocessPreset.imagenet, PreprocessPreset(resizeSize: 100, cropSize: 131), PreprocessPreset(resizeSize: 37, cropSize: 9)]
        try assertPreprocessVariantsAgree(presets)
    }

    /// Bicubic has negative taps (sums below 0 and above 255 that every variant must clamp alike) and
    /// twice bilinear's support, so the same sizes reach wider coefficient strides.
    func testSIMDBicubicResizeEqualsScalar() throws {
        try assertResizeVariantsAgree(filter: .bicubic)
    }

    func testSIMDBicubicPreprocessEqualsScalar() throws {
        let presets = [
            PreprocessPreset(interpolation: .bicubic), PreprocessPreset(resizeSize: 100, cropSize: 131, interpolation: .bicubic),
            PreprocessPreset(resizeSize: 37, cropSize: 9, interpolation: .bicubic),
        ]
        try assertPreprocessVariantsAgree(presets)
    }

    func testAutomaticIsTheBestSupportedVariant() {
        XCTAssertTrue(KernelVariant.best.isSupported)
        XCTAssertTrue(KernelVariant.scalar.isSupported)
        if KernelVariant.avx512.isSupported { XCTAssertEqual(KernelVariant.best, .avx512) }
        else if KernelVariant.avx2.isSupported { XCTAssertEqual(KernelVariant.best, .avx2) }
    }

    // MARK: - Helpers

    private func assertResizeVariantsAgree(filter: Interpolation) throws {
        try requireSIMD()
        for (i, (w, h, outW, outH)) in Self.resizes.enumerated() {
            let image = Self.noise(width: w, height: h, seed: UInt64(i + 1))
            let scalar = Resize.resample(image, width: outW, height: outH, filter: filter, kernel: .scalar)
            for kernel in KernelVariant.runnable where kernel != .scalar {
                let got = Resize.resample(image, width: outW, height: outH, filter: filter, kernel: kernel)
                XCTAssertNil(firstMismatch(got.pixels, scalar.pixels), "\(filter) \(w)x\(h) -> \(outW)x\(outH) with \(kernel)")
            }
        }
    }

    private func assertPreprocessVariantsAgree(_ presets: [PreprocessPreset]) throws {
        try requireSIMD()
        let sizes = [(500, 375), (375, 500), (256, 256), (1000, 700), (5, 3), (1, 1), (4000, 30)]
        for preset in presets {
            let preprocessor = try Preprocessor(preset: preset)
            for (i, (w, h)) in sizes.enumerated() {
                let image = Self.noise(width: w, height: h, seed: UInt64(100 + i))
                for layout in [TensorLayout.chw, .hwc] {
                    let scalar = preprocessor.using(.scalar).tensor(image, layout: layout)
                    for kernel in KernelVariant.runnable where kernel != .scalar {
                        let got = preprocessor.using(kernel).tensor(image, layout: layout)
                        XCTAssertNil(firstMismatch(got, scalar), "\(w)x\(h) \(preset) \(layout) with \(kernel)")
                    }
                }
            }
        }
    }

    private func requireSIMD() throws {
        if !KernelVariant.avx512.isSupported {
            print("note: this CPU has no AVX-512; the avx512 variant is not compared here")
        }
        guard KernelVariant.runnable.count > 1 else { throw XCTSkip("no SIMD variant runs on this CPU") }
    }

    /// Deterministic noise (SplitMix64), so failures reproduce.
    static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var state = seed
        let pixels = (0..<width * height * 3).map { _ -> UInt8 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
