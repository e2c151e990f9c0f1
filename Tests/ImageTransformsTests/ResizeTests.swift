import ImageTransforms
import Foundation
import TensorCore
import TestSupport
import XCTest

/// `Resize` against live Pillow 9.4 and torchvision 0.14.1.
final class ResizeTests: XCTestCase {
    /// (source, output width, output height): up, down, odd, degenerate, one-axis-only.
    static let syntheticCases: [(String, Int, Int)] = [
        (OracleCases.random(500, 375, seed: 1), 341, 256),
        (OracleCases.random(500, 375, seed: 2), 256, 192),
        (OracleCases.random(500, 375, seed: 3), 1000, 750),
        (OracleCases.random(500, 375, seed: 4), 499, 375),  // width only
        (OracleCases.random(500, 375, seed: 5), 500, 374),  // height only
        (OracleCases.random(500, 375, seed: 6), 500, 375),  // unchanged
        (OracleCases.random(1, 1, seed: 7), 1, 1),
        (OracleCases.random(1, 1, seed: 8), 5, 7),
        (OracleCases.random(1, 1, seed: 9), 3, 1),
        (OracleCases.random(2, 3, seed: 10), 1, 1),
        (OracleCases.random(2, 3, seed: 11), 7, 5),
        (OracleCases.random(2, 3, seed: 12), 2, 5),
        (OracleCases.random(2, 3, seed: 13), 4, 3),
        (OracleCases.random(4000, 200, seed: 14), 5120, 256),
        (OracleCases.random(4000, 200, seed: 15), 400, 20),
        (OracleCases.random(150, 3000, seed: 16), 256, 5120),
        (OracleCases.random(150, 3000, seed: 17), 15, 300),
        (OracleCases.random(1600, 1200, seed: 18), 341, 256),
        (OracleCases.random(333, 333, seed: 19), 224, 224),
        (OracleCases.random(17, 9, seed: 20), 3, 2),
        (OracleCases.random(17, 9, seed: 21), 9, 17),
        (OracleCases.random(640, 480, seed: 22), 64, 1000),
        (OracleCases.random(5, 4, seed: 23), 5, 1),
    ]

    func testBilinearMatchesPillowOnSyntheticImages() throws {
        let requests = Self.syntheticCases.enumerated().map { i, c in
            ["name": "synthetic\(i)", "source": c.0, "width": c.1, "height": c.2] as [String: Any]
        }
        try checkAgainstPillow(requests)
    }

    func testBilinearMatchesPillowOnPhotos() throws {
        guard let folder = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let photos = try Self.photos(in: folder).prefix(3)
        var requests: [[String: Any]] = []
        for (i, photo) in photos.enumerated() {
            for (w, h) in [(341, 256), (256, 341), (123, 77), (1001, 999)] {
                requests.append(["name": "photo\(i)_\(w)x\(h)", "source": "photo:\(photo.path)", "width": w, "height": h])
            }
        }
        try checkAgainstPillow(requests)
    }

    func testOutputSizeMatchesTorchvision() throws {
        let triples = [
            (500, 375, 256), (375, 500, 256), (256, 256, 256), (300, 256, 256), (1, 1, 256), (2, 3, 256),
            (4000, 200, 256), (150, 3000, 256), (333, 500, 224), (500, 333, 160), (1023, 769, 7), (3, 7, 4096),
        ]
        let request = try JSONSerialization.data(withJSONObject: triples.map { [$0.0, $0.1, $0.2] })
        let answer = try Oracle.run("transforms_output_size.py", [], stdin: request)
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: answer) as? [[Int]])
        for (triple, size) in zip(triples, expected) {
            let got = Resize.outputSize(width: triple.0, height: triple.1, shorterSide: triple.2)
            XCTAssertEqual([got.width, got.height], size, "\(triple)")
        }
    }

    // MARK: - Helpers

    /// Resizes every case with each runnable kernel, with the request's "filter" (bilinear when absent)
    /// to its "width" and "height", or to torchvision's size for its "shorter" side.
    func checkAgainstPillow(_ requests: [[String: Any]]) throws {
        let directory = try TestData.temporaryDirectory("resize-oracle")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = try OracleCases.run("transforms_resize.py", requests, in: directory, answer: "out.rgb")
        XCTAssertEqual(cases.count, requests.count)
        for (request, oracleCase) in zip(requests, cases) {
            let (width, height) = try Self.outputSize(request, oracleCase.image)
            let expected = try OracleCases.bytes(oracleCase.expectedURL)
            let filter = try XCTUnwrap(Interpolation(rawValue: request["filter"] as? String ?? "bilinear"))
            for kernel in KernelVariant.runnable {
                let got = Resize.resample(oracleCase.image, width: width, height: height, filter: filter, kernel: kernel)
                XCTAssertNil(firstMismatch(got.pixels, expected), "\(oracleCase.name) \(oracleCase.image.width)x\(oracleCase.image.height) -> \(width)x\(height) \(filter) with \(kernel)")
            }
        }
    }

    private static func outputSize(_ request: [String: Any], _ image: RGBImage) throws -> (Int, Int) {
        if let shorter = request["shorter"] as? Int {
            let size = Resize.outputSize(width: image.width, height: image.height, shorterSide: shorter)
            return (size.width, size.height)
        }
        return (try XCTUnwrap(request["width"] as? Int), try XCTUnwrap(request["height"] as? Int))
    }

    static func photos(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension.uppercased() == "JPEG" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
