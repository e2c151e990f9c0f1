import Foundation
import ImageTransforms
import TensorCore
import TestSupport
import XCTest

@testable import BatchVision

/// The in-memory entry point (the C ABI's, so Ray's) runs short batches unpadded, in power-of-two
/// chunks, and must still agree with the padded full batches the batch job runs.
final class InMemoryClassifyTests: XCTestCase {
    func testShortBatchesAgreeWithPaddedFullBatches() throws {
        var configuration = ClassifierConfiguration()
        configuration.model = "resnet18"
        configuration.weights = .random(seed: 7)
        configuration.batchSize = 8
        configuration.threads = 2
        configuration.preset = PresetOverrides(resizeSize: 40, cropSize: 32)
        let classifier = try Classifier(configuration)
        var random = SplitMix64(seed: 11)
        let images = (0..<11).map { _ in
            RGBImage(width: 48, height: 40, pixels: (0..<(48 * 40 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }

        // 11 images with a batch of 8: one full batch, then chunks of 2 and 1 (no padding).
        let rows = try classifier.classify(count: images.count, topK: 5, includeLogits: true, workers: 2) { images[$0] }
        XCTAssertEqual(rows.count, 11)

        // The padded way: each image's logits from a zero-padded full batch of 8.
        let n = classifier.imageElementCount
        let classes = classifier.classCount
        for start in stride(from: 0, to: images.count, by: 8) {
            var input = [Float](repeating: 0, count: 8 * n)
            for (slot, image) in images[start..<min(start + 8, images.count)].enumerated() {
                input.withUnsafeMutableBufferPointer { classifier.preprocessor.run(image, into: UnsafeMutableBufferPointer(rebasing: $0[slot * n..<(slot + 1) * n])) }
            }
            var logits = [Float](repeating: 0, count: 8 * classes)
            try input.withUnsafeBufferPointer { x in try logits.withUnsafeMutableBufferPointer { try classifier.logits(x, count: 8, into: $0) } }
            for i in start..<min(start + 8, images.count) {
                let expected = Array(logits[(i - start) * classes..<(i - start + 1) * classes])
                let got = try XCTUnwrap(rows[i].logits)
                let scale = expected.map(abs).max() ?? 1
                if i < 8 {
                    XCTAssertEqual(got, expected, "image \(i) ran in a full batch: identical")
                } else {
                    assertClose(got, expected, atol: 1e-4 * scale, "image \(i) ran unpadded")
                    XCTAssertEqual(rows[i].classIndex.map(Int.init), expected.indices.max { expected[$0] < expected[$1] })
                }
            }
        }
    }
}
