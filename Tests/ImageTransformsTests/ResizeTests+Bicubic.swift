import ImageTransforms
import Foundation
import TensorCore
import TestSupport
import XCTest

/// `Resize.bicubic` against live Pillow 9.4 `img.resize(size, Image.Resampling.BICUBIC)`: bit-exact.
extension ResizeTests {
    /// Cases bicubic adds to the bilinear ones: single rows and columns, extreme aspect ratios, and
    /// checkerboards, whose up- and downscaling overshoot 0 and 255 (Pillow clips; so must we).
    static let bicubicEdgeCases: [(String, Int, Int)] = [
        (OracleCases.random(1, 300, seed: 30), 3, 50),
        (OracleCases.random(300, 1, seed: 31), 7, 1),
        (OracleCases.random(1, 2, seed: 32), 1, 1),
        (OracleCases.random(3, 1, seed: 33), 1000, 2),
        (OracleCases.random(4000, 3, seed: 34), 256, 1),
        (OracleCases.random(2, 4000, seed: 35), 5, 333),
        (OracleCases.random(2, 2, seed: 36), 3, 3),
        (OracleCases.random(5, 5, seed: 37), 4, 4),
        ("checker:6:5", 13, 11),
        ("checker:64:48", 341, 256),
        ("checker:500:375", 341, 256),
        ("checker:500:375", 97, 61),
        ("checker:2:2", 9, 1),
    ]

    func testBicubicMatchesPillowOnSyntheticImages() throws {
        let cases = Self.syntheticCases + Self.bicubicEdgeCases
        let requests = cases.enumerated().map { i, c in
            ["name": "bicubic\(i)", "source": c.0, "width": c.1, "height": c.2, "filter": "bicubic"] as [String: Any]
        }
        try checkAgainstPillow(requests)
    }

    /// Every dev photo at the size torchvision resizes it to (shorter side 256), plus odd sizes on a few.
    func testBicubicMatchesPillowOnAllSamplePhotos() throws {
        guard let folder = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let photos = try Self.photos(in: folder)
        XCTAssertEqual(photos.count, 150)
        var requests: [[String: Any]] = []
        for (i, photo) in photos.enumerated() {
            let base: [String: Any] = ["source": "photo:\(photo.path)", "filter": "bicubic"]
            requests.append(base.merging(["name": "photo\(i)_256", "shorter": 256]) { $1 })
            for (w, h) in i < 3 ? [(123, 77), (1001, 999), (40, 1000)] : [] {
                requests.append(base.merging(["name": "photo\(i)_\(w)x\(h)", "width": w, "height": h]) { $1 })
            }
        }
        try checkAgainstPillow(requests)
    }
}
