import Foundation
import ImageNetModels
import TestSupport
import XCTest

/// The catalog against torchvision itself: the generated weights table is current, every catalog name is
/// one torchvision gives (or our own, Lite0), and the count of what is still missing is printed.
final class ModelZooCatalogTests: XCTestCase {
    func testGeneratedWeightsTableMatchesTorchvision() throws {
        let script = TestData.repositoryRoot.appendingPathComponent("scripts/gen-torchvision-weights").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Oracle.python)
        process.arguments = [script, "--check"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
    }

    func testCatalogNamesAreTorchvisionsAndTheRestIsCounted() throws {
        let listed = Set(torchvisionWeights.keys)
        XCTAssertEqual(listed.count, 80, "torchvision 0.14's list_models()")
        let ours = ModelCatalog.all.map(\.name).filter { $0 != "efficientnet_lite0" }
        XCTAssertEqual(ours.filter { !listed.contains($0) }, [], "catalog names must be torchvision's")
        for name in ours {
            let entry = try XCTUnwrap(ModelCatalog.entry(named: name))
            // The default is IMAGENET1K_V1, or torchvision's first where it has none (regnet_y_128gf: SWAG only).
            XCTAssertEqual(entry.weights.tag, torchvisionWeights[name]?.first?.tag, name)
            XCTAssertEqual(entry.weights.fileName, torchvisionWeights[name]?.first?.fileName, name)
            XCTAssertNotNil(entry.weights.parameters, name)
        }
        let missing = ModelCatalog.missingTorchvisionModels
        print("model zoo: \(80 - missing.count) of 80 torchvision classifiers in the catalog; missing: \(missing.joined(separator: ", "))")
    }

    func testNamesThatDifferOnlyInUnderscoresAreTold() throws {
        XCTAssertEqual(ModelCatalog.entry(named: "regnet_x_1_6gf")?.name, "regnet_x_1_6gf")
        XCTAssertEqual(ModelCatalog.entry(named: "regnet_x_16gf")?.name, "regnet_x_16gf")
        XCTAssertEqual(ModelCatalog.entry(named: "ResNet-50")?.name, "resnet50")
        XCTAssertEqual(ModelCatalog.entry(named: "efficientnetb0")?.name, "efficientnet_b0")
    }

    func testV2WeightsAreRecognisedByFileName() throws {
        let entry = try XCTUnwrap(ModelCatalog.entry(named: "resnet50"))
        XCTAssertEqual(entry.preset.resizeSize, 256)
        XCTAssertEqual(entry.known(fileName: "resnet50-11ad3fa6.pth")?.preset?.resizeSize, 232)
        XCTAssertEqual(entry.known(version: "v2")?.fileName, "resnet50-11ad3fa6.pth")
        XCTAssertEqual(ModelCatalog.entry(named: "resnext101_64x4d")?.preset.resizeSize, 232, "its only weights are the new recipe's")
    }
}
