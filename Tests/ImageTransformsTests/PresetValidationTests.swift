import ImageTransforms
import TensorCore
import XCTest

/// `PreprocessPreset.validated()` rejects what torchvision would reject or what cannot be meant.
final class PresetValidationTests: XCTestCase {
    func testDefaultsAreValid() throws {
        XCTAssertEqual(try PreprocessPreset.imagenet.validated(), .imagenet)
        XCTAssertEqual(try Preprocessor(preset: .imagenet).elementCount, 3 * 224 * 224)
    }

    func testBicubicIsAccepted() throws {
        // EfficientNet, Swin and MaxViT weights resize with Pillow's bicubic filter.
        let bicubic = PreprocessPreset(resizeSize: 256, cropSize: 240, interpolation: .bicubic)
        XCTAssertEqual(try bicubic.validated(), bicubic)
        XCTAssertEqual(try Preprocessor(preset: bicubic).preset.interpolation, .bicubic)
    }

    func testRejectsBadParameters() {
        let bad: [(PreprocessPreset, TransformError)] = [
            (PreprocessPreset(resizeSize: 0), .sizeOutOfRange(name: "resize size", value: 0, maximum: 4096)),
            (PreprocessPreset(cropSize: 4097), .sizeOutOfRange(name: "crop size", value: 4097, maximum: 4096)),
            (PreprocessPreset(mean: [0.5, 0.5]), .wrongChannelCount(name: "mean", count: 2)),
            (PreprocessPreset(std: [1, 1, 1, 1]), .wrongChannelCount(name: "std", count: 4)),
            (PreprocessPreset(mean: [0, .nan, 0]), .nonFinite(name: "mean", values: [0, .nan, 0])),
            (PreprocessPreset(std: [1, .infinity, 1]), .nonFinite(name: "std", values: [1, .infinity, 1])),
            (PreprocessPreset(std: [1, 0, 1]), .zeroStd(channel: 1)),
        ]
        for (preset, expected) in bad {
            XCTAssertThrowsError(try Preprocessor(preset: preset)) { error in
                guard let error = error as? TransformError else { return XCTFail("\(error) is not a TransformError") }
                XCTAssertEqual(error.message, expected.message)
                XCTAssertFalse(error.message.contains("\n"))
                XCTAssertNotNil(error.hint)
            }
        }
    }
}
