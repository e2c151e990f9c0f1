import Foundation
import ImageTransforms
import TensorCore
import TestSupport
import XCTest

/// Timing of the fused preprocessing per kernel variant, beside Pillow + torchvision on one core.
///
/// Hidden: runs only with `BATCHVISION_BENCH=1`; it prints and never gates. The C kernels are built with
/// -O3 in every configuration, so debug and release builds time the same kernels.
final class PreprocessBenchmarkTests: XCTestCase {
    private static let sizes = [(500, 375, 400), (1600, 1200, 60)]

    func testPrintPreprocessTimings() throws {
        guard ProcessInfo.processInfo.environment["BATCHVISION_BENCH"] == "1" else {
            throw XCTSkip("set BATCHVISION_BENCH=1 to time preprocessing")
        }
        let preprocessor = try Preprocessor(preset: .imagenet)
        var output = [Float](repeating: 0, count: preprocessor.elementCount)
        let peers = try peerTimings()
        for (index, (width, height, iterations)) in Self.sizes.enumerated() {
            let image = PreprocessorTests.gradient(width: width, height: height)
            let peer = peers[index]
            print(String(format: "peer   %4dx%-4d  Pillow resize %.3f ms + torchvision rest %.3f ms = %.3f ms",
                         width, height, peer.resize, peer.rest, peer.resize + peer.rest))
            for kernel in [KernelVariant.scalar, .avx2, .avx512] where kernel.isSupported {
                let fused = preprocessor.using(kernel)
                let ms = output.withUnsafeMutableBufferPointer { buffer in
                    Self.bestMilliseconds(iterations) { fused.run(image, into: buffer) }
                }
                print(String(format: "%-6@ %4dx%-4d  fused %.3f ms  (%.1fx peer)", "\(kernel)", width, height, ms, (peer.resize + peer.rest) / ms))
            }
        }
    }

    // MARK: - Helpers

    private static func bestMilliseconds(_ iterations: Int, _ body: () -> Void) -> Double {
        for _ in 0..<max(iterations / 10, 1) { body() }
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations { body() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations) / 1e6)
        }
        return best
    }

    private func peerTimings() throws -> [(resize: Double, rest: Double)] {
        let request = try JSONSerialization.data(withJSONObject: Self.sizes.map { [$0.0, $0.1, $0.2 / 4] })
        let answer = try Oracle.run("transforms_bench.py", [], stdin: request)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: answer) as? [[String: Any]])
        return try rows.map { (try XCTUnwrap($0["resize_ms"] as? Double), try XCTUnwrap($0["rest_ms"] as? Double)) }
    }
}
