import ImageTransforms
import Foundation
import TensorCore
import TestSupport
import XCTest

/// `Preprocessor` against torchvision 0.14.1's `ImageClassification` on Pillow images: bit-exact.
final class PreprocessorTests: XCTestCase {
    func testImagenetPresetMatchesTorchvisionOnAllSamplePhotos() throws {
        guard let folder = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let photos = try ResizeTests.photos(in: folder)
        XCTAssertEqual(photos.count, 150)
        let requests = photos.enumerated().map { i, url in ["name": "photo\(i)", "source": "photo:\(url.path)", "preset": NSNull()] as [String: Any] }
        try checkAgainstTorchvision(requests, preset: .imagenet, kernels: [.automatic])
    }

    func testOddSizesMatchTorchvision() throws {
        let sizes = [
            (256, 256), (256, 300), (300, 256), (224, 224), (257, 400), (259, 259), (500, 375), (375, 500),
            (100, 50), (1, 1), (3, 2), (2, 3), (10, 500), (4000, 200), (1600, 1200), (225, 1000),
        ]
        let requests = sizes.enumerated().map { i, s in
            ["name": "odd\(i)", "source": OracleCases.random(s.0, s.1, seed: 100 + i), "preset": NSNull()] as [String: Any]
        }
        try checkAgainstTorchvision(requests, preset: .imagenet, kernels: KernelVariant.runnable)
    }

    func testOtherPresetMatchesTorchvision() throws {
        let preset = PreprocessPreset(resizeSize: 160, cropSize: 128, mean: [0.5, 0.25, 0.3], std: [0.2, 0.3, 0.7])
        let sizes = [(500, 375), (128, 128), (160, 161), (33, 900), (1, 2)]
        let requests = sizes.enumerated().map { i, s in
            ["name": "other\(i)", "source": OracleCases.random(s.0, s.1, seed: 200 + i), "preset": Self.json(preset)] as [String: Any]
        }
        try checkAgainstTorchvision(requests, preset: preset, kernels: KernelVariant.runnable)
    }

    func testCropLargerThanResizedImageIsZeroPaddedLikeTorchvision() throws {
        // Crop > resize size pads the short axis (and both axes of a square image).
        let preset = PreprocessPreset(resizeSize: 100, cropSize: 131, mean: [0.1, 0.2, 0.3], std: [0.3, 0.2, 0.1])
        let sizes = [(100, 100), (300, 200), (200, 300), (90, 91), (1000, 110)]
        let requests = sizes.enumerated().map { i, s in
            ["name": "pad\(i)", "source": OracleCases.random(s.0, s.1, seed: 300 + i), "preset": Self.json(preset)] as [String: Any]
        }
        try checkAgainstTorchvision(requests, preset: preset, kernels: KernelVariant.runnable)
    }

    func testDefaultPresetUsesTorchvisionsFloat32Constants() {
        // torchvision turns the Python (double) literals into float32 tensors.
        XCTAssertEqual(PreprocessPreset.imagenet.mean, [0.485, 0.456, 0.406].map { Float($0 as Double) })
        XCTAssertEqual(PreprocessPreset.imagenet.std, [0.229, 0.224, 0.225].map { Float($0 as Double) })
    }

    func testConcurrentRunsGiveTheSameTensor() throws {
        let preprocessor = try Preprocessor(preset: .imagenet)
        let images = (0..<8).map { i in Self.gradient(width: 300 + 97 * i, height: 400 - 23 * i) }
        let expected = images.map { preprocessor.tensor($0) }
        nonisolated(unsafe) var results = [[Float]](repeating: [], count: 32)
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let tensor = preprocessor.tensor(images[i % images.count])
            results[i] = tensor  // distinct indices, written before concurrentPerform returns
        }
        for (i, result) in results.enumerated() {
            XCTAssertNil(firstMismatch(result, expected[i % images.count]), "run \(i)")
        }
    }

    // MARK: - Helpers

    /// Checks every case in both layouts with each kernel; `kernels` lists the variants to force.
    func checkAgainstTorchvision(_ requests: [[String: Any]], preset: PreprocessPreset, kernels: [KernelVariant]) throws {
        let directory = try TestData.temporaryDirectory("preset-oracle")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = try OracleCases.run("transforms_preset.py", requests, in: directory, answer: "out.f32")
        XCTAssertEqual(cases.count, requests.count)
        let preprocessor = try Preprocessor(preset: preset)
        for oracleCase in cases {
            let expected = try OracleCases.floats(oracleCase.expectedURL)
            let hwcExpected = Self.chwToHWC(expected, side: preset.cropSize)
            let label = "\(oracleCase.name) \(oracleCase.image.width)x\(oracleCase.image.height)"
            for kernel in kernels {
                let chw = preprocessor.using(kernel).tensor(oracleCase.image, layout: .chw)
                let hwc = preprocessor.using(kernel).tensor(oracleCase.image, layout: .hwc)
                if firstMismatch(chw, expected) != nil { assertClose(chw, expected, atol: 0, "\(label) chw \(kernel)") }
                if firstMismatch(hwc, hwcExpected) != nil { assertClose(hwc, hwcExpected, atol: 0, "\(label) hwc \(kernel)") }
            }
        }
    }

    /// (3, side, side) -> (side, side, 3).
    static func chwToHWC(_ chw: [Float], side: Int) -> [Float] {
        var hwc = [Float](repeating: .nan, count: chw.count)
        let plane = side * side
        chw.withUnsafeBufferPointer { src in
            hwc.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 { for i in 0..<plane { dst[i * 3 + c] = src[c * plane + i] } }
            }
        }
        return hwc
    }

    static func json(_ preset: PreprocessPreset) -> [String: Any] {
        // Double(Float) is exact, so torch's float32 conversion recovers the very same values.
        [
            "resize": preset.resizeSize, "crop": preset.cropSize, "mean": preset.mean.map(Double.init),
            "std": preset.std.map(Double.init), "interpolation": preset.interpolation.rawValue,
        ]
    }

    static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8((x * 7 + y) & 255)
                pixels[i + 1] = UInt8((x ^ y) & 255)
                pixels[i + 2] = UInt8((x * y) & 255)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
