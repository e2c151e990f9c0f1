@testable import BatchVision
import InferenceGraph
import XCTest

/// The one-line hint a run's summary and `bench` print when another precision would likely be faster on this CPU.
final class PrecisionHintTests: XCTestCase {
    private func layers(_ counts: [(String, Int)]) -> LayerPrecisions {
        LayerPrecisions(counts.flatMap { precision, n in
            (0..<n).map { LayerPrecisions.Layer(name: "\(precision)_\($0)", precision: precision) }
        })
    }

    private func hint(_ precision: Precision, _ counts: [(String, Int)], nativeBF16: Bool = true, amx: Bool = false) -> String? {
        Classifier.fasterPrecisionHint(
            precision: precision, layers: layers(counts), nativeBF16: nativeBF16, isa: amx ? "avx512_core_amx" : "avx512_core_bf16")
    }

    func testFP32WithNativeBF16SaysHowMuchFasterBF16Is() throws {
        let avx512 = try XCTUnwrap(hint(.fp32, [("fp32", 54)]))
        XCTAssertTrue(avx512.contains("--precision bf16 is about 2x as fast as fp32 here"), avx512)
        XCTAssertTrue(avx512.contains("(avx512_core_bf16)"), avx512)
        XCTAssertTrue(avx512.contains("compare-precision"), avx512)
        let amx = try XCTUnwrap(hint(.fp32, [("fp32", 54)], amx: true))
        XCTAssertTrue(amx.contains("4-5x as fast"), amx)
    }

    func testInt8ThatKeptLayersInFP32PointsAtBF16() throws {
        // EfficientNet-Lite0: its 16 depthwise convolutions and the head stay float
        let text = try XCTUnwrap(hint(.int8, [("int8", 33), ("fp32", 17)]))
        XCTAssertTrue(text.hasPrefix("17 of 50 layers stayed fp32 under int8"), text)
        XCTAssertTrue(text.contains("--precision bf16 may be faster"), text)
    }

    func testNoHintWhereNothingFasterIsLikely() {
        // every layer but a bf16 head in int8 (ResNet with VNNI and native bf16)
        XCTAssertNil(hint(.int8, [("int8", 155), ("bf16", 1)]))
        XCTAssertNil(hint(.bf16, [("bf16", 54)]))
        // no native bf16 (AVX2, plain AVX-512): fp32 is the fastest float, and int8's fp32 layers have no faster float
        XCTAssertNil(hint(.fp32, [("fp32", 54)], nativeBF16: false))
        XCTAssertNil(hint(.int8, [("int8", 52), ("fp32", 2)], nativeBF16: false))
    }
}
