import Foundation
import ImageNetModels
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// Weights that do not fit a model fail with one error that lists every problem, not the first one.
final class WeightErrorTests: XCTestCase {
    func testMissingUnexpectedAndMisshapenKeysInOneError() throws {
        let folder = try TestData.temporaryDirectory("broken-weights")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("resnet18-broken.pth")
        try Oracle.run("models_broken.py", [file.path])
        let stateDict = try Checkpoint.load(contentsOf: file)

        XCTAssertThrowsError(try ResNet.graph(.resnet18, weights: StateDictWeights(stateDict, model: "resnet18"))) { error in
            guard let error = error as? ModelLoadError else { return XCTFail("\(error) is not a ModelLoadError") }
            XCTAssertEqual(error.model, "resnet18")
            // The head's weight says 10 classes (a fine-tuned head is fine), so its 1000-long bias is what misfits.
            XCTAssertEqual(
                error.problems.sorted(),
                [
                    "fc.bias has shape [1000], expected [10]",
                    "missing layer2.0.bn1.running_var",
                    "unexpected layer9.weight",
                ])
            XCTAssertTrue(error.message.hasPrefix("weights do not fit resnet18: "), error.message)
            XCTAssertNotNil(error.hint)
        }

        // The wrong architecture: dozens of problems, the message shows ten and counts the rest.
        XCTAssertThrowsError(try ResNet.graph(.resnet50, weights: StateDictWeights(stateDict, model: "resnet50"))) { error in
            guard let error = error as? ModelLoadError else { return XCTFail("\(error) is not a ModelLoadError") }
            XCTAssertGreaterThan(error.problems.count, 10)
            XCTAssertTrue(error.message.hasSuffix("and \(error.problems.count - 10) more"), error.message)
        }
    }
}
