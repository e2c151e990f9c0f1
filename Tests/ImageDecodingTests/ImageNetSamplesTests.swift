import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// The 150 ImageNet photos decode to exactly Pillow's bytes.
final class ImageNetSamplesTests: XCTestCase {
    func testAllSamplesMatchPillow() throws {
        guard let dir = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { ["jpeg", "jpg"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.path < $1.path }
        XCTAssertEqual(files.count, 150)
        let oracle = try PillowOracle(files)
        let decoder = ImageDecoder()
        var exact = 0
        let start = Date()
        for file in files { _ = try decoder.decode(contentsOf: file) }
        print("imagenet-samples: decoded 150 files in \(Int(Date().timeIntervalSince(start) * 1000)) ms (this build)")
        for (file, answer) in zip(files, oracle.answers) {
            guard case .image(let expected) = answer else {
                XCTFail("Pillow failed on \(file.lastPathComponent): \(answer)")
                continue
            }
            let image = try decoder.decode(contentsOf: file)
            if image == expected { exact += 1 } else { XCTFail("\(file.lastPathComponent): \(firstDifference(image, expected))") }
        }
        print("imagenet-samples: \(exact) of \(files.count) decode exactly as Pillow")
    }
}
