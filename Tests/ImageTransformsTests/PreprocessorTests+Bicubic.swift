import ImageTransforms
import Foundation
import TensorCore
import TestSupport
import XCTest

/// Bicubic presets (EfficientNet, Swin, MaxViT) against torchvision 0.14.1 on Pillow images: bit-exact.
///
/// The photos go through the classic `Compose([Resize(256, interpolation=BICUBIC), CenterCrop(224),
/// ToTensor(), Normalize(...)])`; the synthetic sizes through `ImageClassification`, as the weights'
/// `transforms()` build it.
extension PreprocessorTests {
    static let bicubicImagenet = PreprocessPreset(interpolation: .bicubic)

    func testBicubicComposeMatchesTorchvisionOnAllSamplePhotos() throws {
        guard let folder = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let photos = try ResizeTests.photos(in: folder)
        XCTAssertEqual(photos.count, 150)
        let preset = Self.bicubicImagenet
        let requests = photos.enumerated().map { i, url in
            ["name": "photo\(i)", "source": "photo:\(url.path)", "preset": Self.json(preset), "pipeline": "compose"] as [String: Any]
        }
        try checkAgainstTorchvision(requests, preset: preset, kernels: KernelVariant.runnable)
    }

    func testBicubicOddSizesMatchTorchvision() throws {
        let sizes = [
            (256, 256), (256, 300), (300, 256), (224, 224), (257, 400), (259, 259), (500, 375), (375, 500),
            (100, 50), (1, 1), (3, 2), (2, 3), (10, 500), (4000, 200), (1600, 1200), (225, 1000),
        ]
        let requests = sizes.enumerated().map { i, s in
            ["name": "odd\(i)", "source": OracleCases.random(s.0, s.1, seed: 400 + i), "preset": Self.json(Self.bicubicImagenet)] as [String: Any]
        }
        try checkAgainstTorchvision(requests, preset: Self.bicubicImagenet, kernels: KernelVariant.runnable)
    }

    /// The shapes of the catalog's bicubic presets (EfficientNet-B1 and -B3, MaxViT, EfficientNet-V2-L
    /// with its 0.5 mean and std), and a crop larger than the resize, which torchvision zero-pads.
    func testBicubicCatalogShapesMatchTorchvision() throws {
        let presets = [
            PreprocessPreset(resizeSize: 256, cropSize: 240, interpolation: .bicubic),
            PreprocessPreset(resizeSize: 320, cropSize: 300, interpolation: .bicubic),
            PreprocessPreset(resizeSize: 224, cropSize: 224, interpolation: .bicubic),
            PreprocessPreset(resizeSize: 480, cropSize: 480, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: .bicubic),
            PreprocessPreset(resizeSize: 100, cropSize: 131, mean: [0.1, 0.2, 0.3], std: [0.3, 0.2, 0.1], interpolation: .bicubic),
        ]
        for (p, preset) in presets.enumerated() {
            let random = [(500, 375), (375, 500), (224, 224), (90, 91), (1000, 110)].enumerated().map { i, s in
                OracleCases.random(s.0, s.1, seed: 500 + 10 * p + i)
            }
            let requests = (random + ["checker:640:427"]).enumerated().map { i, source in
                ["name": "shape\(p)_\(i)", "source": source, "preset": Self.json(preset)] as [String: Any]
            }
            try checkAgainstTorchvision(requests, preset: preset, kernels: KernelVariant.runnable)
        }
    }
}
